/** A progress bar for long loops, on a terminal only (cli-progress). Returns a function that removes it. */
import cliProgress from 'cli-progress';
import type { Runtime } from '../engine/runtime/runtime.js';

export function attachProgress(rt: Runtime): () => void {
  if (!process.stdout.isTTY) return () => undefined;
  let bar: cliProgress.SingleBar | undefined;
  let step = '';
  const onProgress = (e: { step: string; done: number; total?: number }) => {
    if (!e.total || e.total < 50) return;
    if (!bar || step !== e.step) {
      bar?.stop();
      step = e.step;
      bar = new cliProgress.SingleBar({ format: `${e.step} [{bar}] {value}/{total}`, clearOnComplete: true, hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(e.total, 0);
    }
    bar.update(e.done);
  };
  rt.on('progress', onProgress);
  return () => {
    bar?.stop();
    bar = undefined;
    rt.off('progress', onProgress);
  };
}
