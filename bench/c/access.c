/*
 * tiersim's access phase in C (gcc -O2): the yardstick for bench/access.bench.ts. Per access the
 * same work as consume() in src/engine/access-phase.ts over a fully present page table (NUMA
 * balancing off): read the batch entry, the page-table entry, the young byte set with a plain
 * store, the dirty byte on a store, the node of the frame's chunk, the latency-table lookup,
 * the clock and memory time, the access and store matrices; batches refilled by the same
 * generator method (gen.h). Page p maps to frame p (the bench faults pages in order).
 *
 * usage: access PARAMS_FILE PAGES ACCESSES_PER_RUN REPEATS CPU_NS
 * prints the median CPU-time rate of the runs, M accesses/s. With REPEATS 0 it runs once per
 * line read from stdin and prints that run's rate (bench/access.bench.ts pairs it with JS runs).
 */
#include "gen.h"

static int32_t *pte;
static uint8_t *young, *dirty, *chunkNode;
static const int shift = 9; /* one node: any chunk size gives node 0 */
static double latency[2] = {80, 80};
static double accessMatrix[1] = {0}, storeMatrix[1] = {0};
static double clock_ = 0, memoryNs = 0, cpuNs;
static int cursor = BATCH_LEN;

/* perRun accesses; returns the CPU-time rate, M accesses/s (negative: a page not present). */
static double run(long perRun) {
  double t0 = now();
  for (long n = 0; n < perRun;) {
    if (cursor >= BATCH_LEN) {
      fill();
      cursor = 0;
    }
    for (; cursor < BATCH_LEN && n < perRun; cursor++, n++) {
      uint32_t v = out[cursor];
      int32_t e = pte[v >> 2];
      if (e <= 0) return -1;
      uint32_t frame = (uint32_t)(e - 1);
      uint32_t store = v & 1;
      young[frame] = 1;
      int memNid = chunkNode[frame >> shift];
      double ns = latency[memNid * 2 + store];
      clock_ += cpuNs + ns;
      memoryNs += ns;
      if (store) dirty[frame] = 1;
      accessMatrix[memNid]++;
      storeMatrix[memNid] += store;
    }
  }
  return perRun / (now() - t0) * 1e3;
}

int main(int argc, char **argv) {
  if (argc < 6) return 2;
  int err = load(argv[1]);
  if (err != 0) return err;
  long pages = atol(argv[2]), perRun = atol(argv[3]), repeats = atol(argv[4]);
  cpuNs = atof(argv[5]);
  pte = malloc(sizeof(int32_t) * pages);
  young = calloc(pages, 1);
  dirty = calloc(pages, 1);
  chunkNode = calloc((pages >> shift) + 1, 1);
  for (long p = 0; p < pages; p++) pte[p] = (int32_t)(p + 1);
  if (repeats == 0) {
    char line[64];
    while (fgets(line, sizeof line, stdin) != NULL) {
      double r = run(perRun);
      if (r < 0) return 6;
      printf("%.3f\n", r);
      fflush(stdout);
    }
    return 0;
  }
  double *rate = malloc(sizeof(double) * repeats);
  for (long r = 0; r < repeats; r++) {
    rate[r] = run(perRun);
    if (rate[r] < 0) return 6;
  }
  qsort(rate, repeats, sizeof(double), cmp);
  printf("{\"mAccPerS\":%.3f,\"min\":%.3f,\"max\":%.3f,\"clock\":%.0f,\"mem\":%.0f,\"a\":%.0f}\n",
         rate[repeats / 2], rate[0], rate[repeats - 1], clock_, memoryNs, accessMatrix[0] + storeMatrix[0]);
  return 0;
}
