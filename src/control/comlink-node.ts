/**
 * comlink's Node adapter is a UMD module whose types say `export default`; under NodeNext the
 * default import is typed as the module object. This re-export gives it its callable type.
 */
import adapter from 'comlink/dist/umd/node-adapter.js';

export const nodeEndpoint = adapter as unknown as typeof adapter.default;
