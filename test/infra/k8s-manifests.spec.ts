/**
 * infra/k8s: every manifest, and what `kubectl kustomize` builds from each overlay (where kubectl
 * is installed; it never contacts a cluster), validates against the Kubernetes and KEDA schemas,
 * and the pieces agree with each other and with the apps: settings the apps accept, selectors
 * that match pods, probes on real ports, and the KEDA list under the deployment's prefix (that
 * BullMQ really fills it: keda-wait-list.int-spec.ts).
 */
import { loadConfig } from '@platewise/infra';
import { QUEUE_KEYS } from '@platewise/recognition';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const K8S = join(ROOT, 'infra', 'k8s');
const KUBECTL = '/usr/bin/kubectl';
const OVERLAYS = ['cpu', 'gpu'];

/* eslint-disable @typescript-eslint/no-explicit-any -- manifests are untyped YAML */
type Doc = Record<string, any>;

const parse = (text: string): Doc[] =>
  parseAllDocuments(text)
    .map((d) => d.toJS() as Doc)
    .filter(Boolean);

function validate(docs: Doc[]): { kind: string; name: string; error: string | null }[] {
  const out = execFileSync(process.execPath, [join(__dirname, 'validate-k8s.mjs')], {
    input: JSON.stringify(docs),
    cwd: ROOT,
  });
  return JSON.parse(out.toString());
}

/** The plain resource files (not kustomizations), relative to infra/k8s. */
function resourceFiles(dir = K8S): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return resourceFiles(path);
    return entry.name.endsWith('.yaml') && entry.name !== 'kustomization.yaml'
      ? [relative(K8S, path)]
      : [];
  });
}

const build = (overlay: string) =>
  parse(execFileSync(KUBECTL, ['kustomize', join(K8S, 'overlays', overlay)]).toString());
const find = (docs: Doc[], kind: string, name: string) =>
  docs.find((d) => d.kind === kind && d.metadata.name === name);
const podSpecs = (docs: Doc[]) =>
  docs
    .filter((d) => ['Deployment', 'Job'].includes(d.kind))
    .map((d) => [d, d.spec.template.spec] as const);
const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

describe('Kubernetes manifests (infra/k8s)', () => {
  it('every resource file validates against the Kubernetes and KEDA schemas', () => {
    const files = resourceFiles();
    expect(files.length).toBeGreaterThanOrEqual(15);
    const docs = files.flatMap((file) => parse(readFileSync(join(K8S, file), 'utf8')));
    const results = validate(docs);
    expect(results.filter((r) => r.error)).toEqual([]);
    expect(new Set(results.map((r) => r.kind))).toEqual(
      new Set([
        'Namespace',
        'ConfigMap',
        'Secret',
        'Job',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'ScaledObject',
        'TriggerAuthentication',
      ]),
    );
  });

  it('the validator refuses a broken object (so the check above can fail)', () => {
    const bad = {
      apiVersion: 'keda.sh/v1alpha1',
      kind: 'ScaledObject',
      metadata: { name: 'x' },
      spec: { minReplicaCount: 'one', triggers: [] },
    };
    const [result] = validate([bad]);
    expect(result.error).toMatch(/scaleTargetRef|minReplicaCount/);
  });

  const describeBuilt = existsSync(KUBECTL) ? describe : describe.skip;
  describeBuilt.each(OVERLAYS)('kubectl kustomize overlays/%s', (overlay) => {
    const docs = existsSync(KUBECTL) ? build(overlay) : [];
    const config = () =>
      find(docs, 'ConfigMap', 'platewise-config')!.data as Record<string, string>;
    const secret = () =>
      find(docs, 'Secret', 'platewise-secrets')!.stringData as Record<string, string>;

    it('builds objects that all validate, in the platewise namespace', () => {
      expect(validate(docs).filter((r) => r.error)).toEqual([]);
      expect(
        docs
          .filter((d) => d.kind !== 'Namespace')
          .every((d) => d.metadata.namespace === 'platewise'),
      ).toBe(true);
    });

    it('settings the apps accept: ConfigMap and Secret pass the start-up validation', () => {
      expect(() => loadConfig({ ...config(), ...secret() })).not.toThrow();
      for (const [, spec] of podSpecs(docs)) {
        for (const container of [...(spec.initContainers ?? []), ...spec.containers]) {
          const refs = container.envFrom.map((e: Doc) => e.configMapRef?.name ?? e.secretRef?.name);
          expect(refs).toEqual(['platewise-config', 'platewise-secrets']);
          expect(() =>
            loadConfig({
              ...config(),
              ...secret(),
              ...Object.fromEntries((container.env ?? []).map((e: Doc) => [e.name, e.value])),
            }),
          ).not.toThrow();
        }
      }
    });

    it('every pod runs as non-root with a read-only root, requests resources and caps memory', () => {
      for (const [owner, spec] of podSpecs(docs)) {
        expect([owner.metadata.name, spec.securityContext.runAsNonRoot]).toEqual([
          owner.metadata.name,
          true,
        ]);
        for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
          expect(c.securityContext).toMatchObject({
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
          });
          expect(c.resources.requests).toEqual(
            expect.objectContaining({ cpu: expect.anything(), memory: expect.anything() }),
          );
          expect(c.resources.limits.memory).toBeDefined();
        }
      }
    });

    it('gateway and workers wait for the migration Job, probe their health routes on real ports, and drain in time', () => {
      const job = find(docs, 'Job', 'platewise-migrate')!;
      expect(job.spec.template.spec.containers[0].command).toEqual([
        'node',
        'apps/cli/dist/main.js',
        'migrate',
      ]);
      for (const deployment of docs.filter((d) => d.kind === 'Deployment')) {
        const spec = deployment.spec.template.spec;
        expect(spec.initContainers.map((c: Doc) => c.command)).toEqual([
          ['node', 'apps/cli/dist/main.js', 'migrate', '--wait'],
        ]);
        const [main] = spec.containers;
        const ports = main.ports.map((p: Doc) => p.name);
        expect(main.readinessProbe.httpGet.path).toBe('/health/ready');
        expect(main.livenessProbe.httpGet.path).toBe('/health/live');
        expect(ports).toContain(main.readinessProbe.httpGet.port);
        expect(ports).toContain(main.livenessProbe.httpGet.port);
      }
      const gateway = find(docs, 'Deployment', 'platewise-gateway')!.spec.template.spec;
      expect(gateway.containers[0].ports[0].containerPort).toBe(Number(config().PORT));
      // The grace period covers the drain delay and the longest wait for a worker.
      const drainSeconds =
        (Number(config().SHUTDOWN_DELAY_MS) + Number(config().RECOGNITION_TIMEOUT_MS)) / 1000;
      expect(gateway.terminationGracePeriodSeconds).toBeGreaterThan(drainSeconds);
      const worker = find(docs, 'Deployment', 'platewise-worker-cpu')!.spec.template.spec;
      expect(worker.containers[0].ports[0].containerPort).toBe(Number(config().WORKER_HTTP_PORT));
      expect(worker.containers[0].command).toEqual([
        'node',
        '--single-threaded-gc',
        'apps/worker/dist/main.js',
      ]);
    });

    it('services, budgets and autoscalers select existing pods', () => {
      const deployments = docs.filter((d) => d.kind === 'Deployment');
      const podsOf = (selector: Record<string, string>) =>
        deployments.filter((d) => matches(selector, d.spec.template.metadata.labels));
      for (const d of deployments)
        expect(matches(d.spec.selector.matchLabels, d.spec.template.metadata.labels)).toBe(true);
      for (const svc of docs.filter((d) => d.kind === 'Service'))
        expect(podsOf(svc.spec.selector)).toHaveLength(1);
      for (const pdb of docs.filter((d) => d.kind === 'PodDisruptionBudget'))
        expect(podsOf(pdb.spec.selector.matchLabels)).toHaveLength(1);
      const hpa = find(docs, 'HorizontalPodAutoscaler', 'platewise-gateway')!;
      expect(find(docs, 'Deployment', hpa.spec.scaleTargetRef.name)).toBeDefined();
    });

    it("KEDA scales each worker Deployment on the recognition queue's wait list under the deployment's prefix", () => {
      const scaled = docs.filter((d) => d.kind === 'ScaledObject');
      expect(scaled.length).toBe(overlay === 'gpu' ? 2 : 1);
      const listName = `${config().REDIS_PREFIX}${QUEUE_KEYS.wait}`;
      for (const so of scaled) {
        expect(find(docs, 'Deployment', so.spec.scaleTargetRef.name)).toBeDefined();
        expect(so.spec.minReplicaCount).toBeLessThanOrEqual(so.spec.maxReplicaCount);
        expect(so.spec.cooldownPeriod).toBeGreaterThan(0);
        const [trigger] = so.spec.triggers;
        expect(trigger).toMatchObject({
          type: 'redis',
          metadata: { listName },
          authenticationRef: { name: 'platewise-redis' },
        });
        expect(Number(trigger.metadata.listLength)).toBeGreaterThan(0);
      }
      const auth = find(docs, 'TriggerAuthentication', 'platewise-redis')!;
      for (const ref of auth.spec.secretTargetRef) expect(secret()[ref.key]).toBeDefined();
    });

    if (overlay === 'gpu') {
      it('GPU workers ask for a GPU, use CUDA and land on GPU nodes', () => {
        const spec = find(docs, 'Deployment', 'platewise-worker-gpu')!.spec.template.spec;
        const [worker] = spec.containers;
        expect(worker.resources.limits['nvidia.com/gpu']).toBe(1);
        expect(worker.env).toContainEqual({ name: 'ENGINE_DEVICE', value: 'cuda' });
        expect(worker.image).toMatch(/cuda/);
        expect(spec.nodeSelector).toBeDefined();
        expect(spec.tolerations).toContainEqual(expect.objectContaining({ key: 'nvidia.com/gpu' }));
      });
    }
  });
});
