import type { Subscribe } from './common';

/**
 * User settings, stored as JSON in the workspace. Every key has a default, so a missing or
 * partial file is fine; an unknown key or a value of the wrong type is refused with its name.
 */
export interface Settings {
  /** Pin the kernel's TensorFlow.js backend; 'auto' picks the fastest that loads. MLSYS_LAB_BACKEND overrides it. */
  'kernel.backend': 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  /**
   * Threads of the wasm backend (1-8). 1 by default: small-batch training, the labs' usual load,
   * is faster on one; large matrix products and CNNs gain from more (n=1024 matmul: 21 -> 46 GFLOPS
   * on two cores). MLSYS_LAB_WASM_THREADS overrides it. Takes effect when a kernel (re)starts.
   */
  'kernel.wasmThreads': number;
  /** Grid carbon intensity for energy accounting, g CO2e per kWh. */
  'energy.gridIntensity': number;
  /** Power per busy CPU core for energy estimates, W; null uses the table by CPU family. */
  'energy.cpuWattsPerCore': number | null;
  /** Seconds after the last edit before a dirty notebook is saved; 0 turns autosave off. */
  'notebook.autosaveSeconds': number;
}

export interface SettingsApi {
  get(): Promise<Settings>;
  /** Applies the given keys and returns the whole result. */
  update(changes: Partial<Settings>): Promise<Settings>;
  onDidChange: Subscribe<Settings>;
}
