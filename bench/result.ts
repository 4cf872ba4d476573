/* The shape every benchmark returns: one named figure with its unit. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
}
