/**
 * infra/k8s stream workers (components/stream, overlays/stream): the objects validate against the
 * Kubernetes schemas, the mounted config passes apps/stream's start-up validation, probes and
 * metrics are on the port that config serves, the command is the built stream app, and the pod
 * is non-root with a read-only root. (Every resource file is also validated by k8s-manifests.spec.ts.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { parseConfig } from '../../apps/stream/src/config';

const ROOT = join(__dirname, '..', '..');
const DIR = join(ROOT, 'infra', 'k8s', 'components', 'stream');
const KUBECTL = '/usr/bin/kubectl';

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
type Doc = Record<string, any>;

const docs: Doc[] = ['config.yaml', 'secret.yaml', 'deployment.yaml'].flatMap((f) =>
  parseAllDocuments(readFileSync(join(DIR, f), 'utf8')).map((d) => d.toJS() as Doc),
);
const find = (kind: string) => docs.find((d) => d.kind === kind)!;

describe('stream workers on Kubernetes (infra/k8s/components/stream)', () => {
  it('validate against the Kubernetes schemas', () => {
    const out = execFileSync(process.execPath, [join(__dirname, 'validate-k8s.mjs')], {
      input: JSON.stringify(docs),
      cwd: ROOT,
    });
    const results = JSON.parse(out.toString());
    expect(results.map((r: { kind: string }) => r.kind)).toEqual([
      'ConfigMap',
      'Secret',
      'Deployment',
    ]);
    expect(results.filter((r: { error: string | null }) => r.error)).toEqual([]);
  });

  it('run the built stream app on the mounted config, which passes its start-up validation', () => {
    const deployment = find('Deployment');
    const spec = deployment.spec.template.spec;
    const [container] = spec.containers;
    const configPath = container.command[2];
    expect(container.command.slice(0, 2)).toEqual(['node', 'apps/stream/dist/main.js']);
    expect(existsSync(join(ROOT, 'apps/stream/src/main.ts'))).toBe(true);
    const mount = container.volumeMounts.find((m: Doc) => configPath.startsWith(m.mountPath));
    const volume = spec.volumes.find((v: Doc) => v.name === mount.name);
    const configMap = find('ConfigMap');
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    const file = configPath.slice(mount.mountPath.length + 1);
    const secret = find('Secret');
    expect(container.envFrom.map((e: Doc) => e.secretRef.name)).toEqual([secret.metadata.name]);
    const config = parseConfig(parse(configMap.data[file]), secret.stringData);
    expect(config.gateway?.url).toMatch(/^http:\/\/platewise-gateway\./);
    // Probes and metrics on the port the config serves.
    expect(container.ports[0].containerPort).toBe(config.port);
    expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(
      String(config.port),
    );
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    // Two pods on the same cameras would report every vehicle twice.
    expect(deployment.spec.strategy.type).toBe('Recreate');
    expect(
      Object.entries(deployment.spec.selector.matchLabels).every(
        ([k, v]) => deployment.spec.template.metadata.labels[k] === v,
      ),
    ).toBe(true);
  });

  it('is non-root with a read-only root, requests CPU and caps memory', () => {
    const spec = find('Deployment').spec.template.spec;
    expect(spec.securityContext.runAsNonRoot).toBe(true);
    const [c] = spec.containers;
    expect(c.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    expect(c.resources.requests.cpu).toBeDefined();
    expect(c.resources.limits.memory).toBeDefined();
  });

  (existsSync(KUBECTL) ? it : it.skip)('overlays/stream builds in the platewise namespace', () => {
    const built = parseAllDocuments(
      execFileSync(KUBECTL, ['kustomize', join(ROOT, 'infra/k8s/overlays/stream')]).toString(),
    ).map((d) => d.toJS() as Doc);
    expect(built.map((d) => d.kind).sort()).toEqual(['ConfigMap', 'Deployment', 'Secret']);
    expect(built.every((d) => d.metadata.namespace === 'platewise')).toBe(true);
  });
});
