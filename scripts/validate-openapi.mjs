// Validates an OpenAPI document read from stdin with @scalar/openapi-parser (an ES module, so the
// Jest suites run it here); prints {"valid", "errors"} and exits 1 when it is not valid.
import { validate } from '@scalar/openapi-parser';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { valid, errors } = await validate(Buffer.concat(chunks).toString('utf8'));
console.log(JSON.stringify({ valid, errors: errors ?? [] }));
process.exit(valid ? 0 : 1);
