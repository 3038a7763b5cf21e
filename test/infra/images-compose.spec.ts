/**
 * docker/ and infra/docker-compose.yml, read rather than built (no Docker daemon on the
 * development machines): the images are multi-stage, pinned, non-root and install verified
 * models; the compose file uses them with settings the apps accept and the same commands as
 * the Kubernetes manifests.
 */
import { loadConfig } from '@platewise/infra';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const IMAGES = ['docker/cpu.Dockerfile', 'docker/worker-cuda.Dockerfile'];

/** FROM lines with their ARG defaults filled in. */
function bases(dockerfile: string): string[] {
  const args = Object.fromEntries(
    [...dockerfile.matchAll(/^ARG (\w+)=(\S+)$/gm)].map(([, k, v]) => [k, v]),
  );
  return [...dockerfile.matchAll(/^FROM (\S+)/gm)].map(([, image]) =>
    image.replace(/\$\{(\w+)\}/g, (_, k) => args[k]),
  );
}

describe.each(IMAGES)('%s', (path) => {
  const dockerfile = read(path);

  it('is multi-stage on pinned base images and runs as a non-root user', () => {
    const stages = [...dockerfile.matchAll(/^FROM .* AS (\S+)$/gm)].map(([, name]) => name);
    expect(stages).toEqual(expect.arrayContaining(['build', 'runtime']));
    for (const image of bases(dockerfile).filter((b) => b !== 'scratch' && !stages.includes(b))) {
      expect(image).toMatch(/^[\w./-]+:\d+\.\d+(\.\d+)?[\w.-]*$/);
    }
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/^USER 10001:10001$/m);
    expect(existsSync(join(ROOT, `${path}.dockerignore`))).toBe(true);
  });

  it('installs the models at build time through the sha256-checking installer', () => {
    expect(dockerfile).toMatch(/node models\/install\.mjs/);
    expect(read('models/install.mjs')).toMatch(/sha256\(/);
  });
});

it("the CUDA image installs and checks for onnxruntime-node's CUDA execution provider", () => {
  const dockerfile = read('docker/worker-cuda.Dockerfile');
  expect(dockerfile).toMatch(/ONNXRUNTIME_NODE_INSTALL=cuda12/);
  expect(dockerfile).toMatch(/libonnxruntime_providers_cuda\.so/);
  expect(dockerfile).toMatch(/ENGINE_DEVICE=cuda/);
});

describe('infra/docker-compose.yml', () => {
  const compose = parse(read('infra/docker-compose.yml'), { merge: true });
  const services = compose.services as Record<string, Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('builds from the images in docker/ and gives each app settings it accepts', () => {
    for (const name of ['migrate', 'gateway', 'worker', 'worker-cuda']) {
      const service = services[name];
      expect(IMAGES).toContain(service.build.dockerfile);
      const env = { ...service.environment, ADMIN_TOKEN: 'compose-admin-token-0123456789' };
      expect(() => loadConfig(env)).not.toThrow();
    }
  });

  it('runs what the Kubernetes manifests run, after the migration, with health checks', () => {
    const k8sWorker = parse(read('infra/k8s/components/worker-cpu/deployment.yaml')).spec.template
      .spec.containers[0];
    expect(services.worker.command).toEqual(k8sWorker.command);
    expect(
      services['worker-cuda'].command ?? [
        'node',
        '--single-threaded-gc',
        'apps/worker/dist/main.js',
      ],
    ).toEqual(k8sWorker.command);
    expect(services.migrate.command).toEqual(['node', 'apps/cli/dist/main.js', 'migrate']);
    for (const name of ['gateway', 'worker', 'worker-cuda']) {
      expect(services[name].depends_on.migrate).toEqual({
        condition: 'service_completed_successfully',
      });
      expect(services[name].healthcheck.test.join(' ')).toMatch(/\/health\/ready/);
    }
    expect(services['worker-cuda'].environment.ENGINE_DEVICE).toBe('cuda');
  });
});
