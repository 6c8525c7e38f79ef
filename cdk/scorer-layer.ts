import { cpSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AssetHashType, RemovalPolicy } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The folder of an installed package, found through its main entry (some packages do not export package.json). */
function packageDir(require: NodeRequire, name: string): string {
  const entry = require.resolve(name);
  const marker = join('node_modules', name);
  const at = entry.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the folder of ${name} (resolved to ${entry})`);
  return entry.slice(0, at + marker.length);
}

export interface ScorerLayerProps {
  /** Lambda architecture whose onnxruntime binaries the layer holds (default x86_64: onnxruntime has aborted on arm64 Lambda). */
  architecture?: lambda.Architecture;
  /** Folder to resolve onnxruntime-node from (default: this project). */
  resolveFrom?: string;
}

/**
 * A Lambda layer holding onnxruntime-node with only the target platform's binaries (about 46 MB of the package's
 * 288 MB), staged at synth by copying files (local bundling: no Docker).
 */
export class ScorerLayer extends Construct {
  readonly layer: lambda.LayerVersion;
  readonly architecture: lambda.Architecture;

  constructor(scope: Construct, id: string, props: ScorerLayerProps = {}) {
    super(scope, id);
    this.architecture = props.architecture ?? lambda.Architecture.X86_64;
    const arch = this.architecture === lambda.Architecture.ARM_64 ? 'arm64' : 'x64';
    const require = createRequire(join(props.resolveFrom ?? process.cwd(), 'package.json'));
    const ortDir = dirname(require.resolve('onnxruntime-node/package.json'));
    const commonDir = packageDir(createRequire(join(ortDir, 'package.json')), 'onnxruntime-common');
    const version = (JSON.parse(readFileSync(join(ortDir, 'package.json'), 'utf8')) as { version: string }).version;

    const code = lambda.Code.fromAsset(ortDir, {
      // A custom hash: fingerprinting the whole 288 MB package at every synth would be slow.
      assetHashType: AssetHashType.CUSTOM,
      assetHash: `onnxruntime-node-${version}-linux-${arch}-1`,
      bundling: {
        image: lambda.Runtime.NODEJS_22_X.bundlingImage,
        local: {
          tryBundle(outputDir: string): boolean {
            const target = join(outputDir, 'nodejs', 'node_modules');
            const ort = join(target, 'onnxruntime-node');
            mkdirSync(join(ort, 'bin', 'napi-v6', 'linux'), { recursive: true });
            for (const part of ['package.json', 'dist', 'lib', 'LICENSE', 'README.md']) {
              try {
                cpSync(join(ortDir, part), join(ort, part), { recursive: true });
              } catch (e) {
                if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
              }
            }
            cpSync(join(ortDir, 'bin', 'napi-v6', 'linux', arch), join(ort, 'bin', 'napi-v6', 'linux', arch), { recursive: true });
            cpSync(commonDir, join(target, 'onnxruntime-common'), { recursive: true });
            return true;
          },
        },
      },
    });
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      code,
      compatibleArchitectures: [this.architecture],
      compatibleRuntimes: [lambda.Runtime.NODEJS_22_X],
      description: `onnxruntime-node ${version}, linux ${arch} binaries only`,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}
