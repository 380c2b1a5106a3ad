/** File names inside a material folder. */
export const MATERIAL_FILES = {
  /** Public parts only: ids, certificates, kids, SSA, CA bundle, directory URLs. */
  json: 'material.json',
  /** Private keys and the directory credential: mode 0600. */
  transportKey: 'transport.key.pem',
  signingKey: 'signing.key.pem',
  directoryToken: 'directory-token',
} as const;

/** `format` member of material.json. */
export const MATERIAL_FORMAT = 'obmock-tpp-material/1';
