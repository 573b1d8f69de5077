/*
 * The access-stream generator's method in C (gcc -O2): the yardstick for bench/generate.bench.ts.
 * Same work per entry as src/workload/generate.ts for uniform and Zipfian regions: one
 * region: a xoshiro128** draw for the offset (a uniform scale, or a column of the Zipf alias
 * table and a second draw for the rank within its block; an excess outcome's rank by rejection
 * after the batch), one for the store when 0 < write_fraction < 1; several regions: one draw in
 * the task's mix table (region, store and block) and one for the page. The encoded entries go to
 * a 4096-entry batch. It reads the
 * region parameters, the PRNG state and the Zipf tables the JS bench wrote, and prints the
 * checksum of the first batches (equal to the JS one: the same stream) and the median CPU ns
 * per entry of several timed runs (CPU time: the machine is shared, and a preempted run's wall
 * time says nothing about the code).
 *
 * usage: generate PARAMS_FILE CHECK_BATCHES TIMED_BATCHES REPEATS
 */
#include "gen.h"

int main(int argc, char **argv) {
  if (argc < 5) return 2;
  int err = load(argv[1]);
  if (err != 0) return err;
  uint32_t start[4] = {st[0], st[1], st[2], st[3]};
  long check = atol(argv[2]), timed = atol(argv[3]), repeats = atol(argv[4]);
  uint32_t sum = 2166136261u;
  for (long b = 0; b < check; b++) {
    fill();
    for (int i = 0; i < BATCH_LEN; i++) sum = (sum ^ out[i]) * 16777619u;
  }
  for (int k = 0; k < 4; k++) st[k] = start[k];
  double *ns = malloc(sizeof(double) * repeats);
  uint32_t sink = 0;
  for (long r = 0; r < repeats; r++) {
    double t0 = now();
    for (long b = 0; b < timed; b++) {
      fill();
      sink += out[b & (BATCH_LEN - 1)];
    }
    ns[r] = (now() - t0) / ((double)timed * BATCH_LEN);
  }
  qsort(ns, repeats, sizeof(double), cmp);
  printf("{\"checksum\":%u,\"nsPerEntry\":%.3f,\"min\":%.3f,\"max\":%.3f,\"sink\":%u}\n", sum,
         ns[repeats / 2], ns[0], ns[repeats - 1], sink);
  return 0;
}
