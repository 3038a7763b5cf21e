/** Version reported by /info/ (the gateway package's version). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const PLATEWISE_VERSION: string = require('../package.json').version;
