// Validates Kubernetes objects (a JSON array on stdin) against the Kubernetes API schemas
// (kubernetes-models) and KEDA's CRD schemas (@kubernetes-models/keda); prints one result per
// object as JSON. A separate ESM process because both packages are ES modules only.
const modules = {
  'keda.sh/v1alpha1': (kind) => `@kubernetes-models/keda/keda.sh/v1alpha1/${kind}`,
  v1: (kind) => `kubernetes-models/v1/${kind}`,
};

async function validate(doc) {
  const path = (
    modules[doc.apiVersion] ?? ((kind) => `kubernetes-models/${doc.apiVersion}/${kind}`)
  )(doc.kind);
  let Model;
  try {
    Model = (await import(path))[doc.kind];
  } catch {
    return `no schema for ${doc.apiVersion} ${doc.kind}`;
  }
  if (!Model) return `no schema for ${doc.apiVersion} ${doc.kind}`;
  try {
    new Model(doc).validate();
    return null;
  } catch (error) {
    return error.message;
  }
}

let input = '';
for await (const chunk of process.stdin) input += chunk;
const docs = JSON.parse(input);
const results = [];
for (const doc of docs)
  results.push({ kind: doc.kind, name: doc.metadata?.name, error: await validate(doc) });
console.log(JSON.stringify(results));
