/*
 * The access-stream generator's method in C (gcc -O2): the yardstick for bench/generate.bench.ts.
 * Same work per entry as src/workload/generate.ts for uniform and Zipfian regions: one
 * xoshiro128** draw for the region (several regions), one for the offset (a uniform scale or the
 * Zipf inverse-CDF table with its two exact cut-offs), one for the store when
 * 0 < write_fraction < 1, and the encoded entry written to a 4096-entry batch. It reads the
 * region parameters, the PRNG state and the Zipf tables the JS bench wrote, and prints the
 * checksum of the first batches (equal to the JS one: the same stream) and the median CPU ns
 * per entry of several timed runs (CPU time: the machine is shared, and a preempted run's wall
 * time says nothing about the code).
 *
 * usage: generate PARAMS_FILE CHECK_BATCHES TIMED_BATCHES REPEATS
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH_LEN 4096
#define RW 8 /* cut, pages, head, write cut, zipf, rank-1 draw, rank-2 draw, table offset */
#define TWO_32 4294967296.0

static double *regions, *table;
static int nregions;
static uint32_t st[4];
static uint32_t out[BATCH_LEN];

static inline uint32_t rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }
static inline uint32_t next(void) {
  uint32_t r = rotl(st[1] * 5, 7) * 9, t = st[1] << 9;
  st[2] ^= st[0]; st[3] ^= st[1]; st[1] ^= st[2]; st[0] ^= st[3]; st[2] ^= t; st[3] = rotl(st[3], 11);
  return r;
}

static void fill(void) {
  int last = nregions - 1;
  for (int i = 0; i < BATCH_LEN; i++) {
    int r = 0;
    if (last > 0) {
      uint32_t u = next();
      while (r < last && u >= regions[r * RW]) r++;
    }
    const double *p = regions + r * RW;
    double pages = p[1];
    uint32_t draw = next();
    double offset;
    if (p[4] != 0) {
      if (draw < p[5]) offset = 0;
      else if (draw < p[6]) offset = pages > 1 ? 1 : 0;
      else {
        const double *c = table + (size_t)p[7] + (draw >> 16);
        offset = floor(c[0] + (c[1] - c[0]) * ((draw & 0xffff) / 65536.0));
        if (offset >= pages) offset = pages - 1;
      }
    } else {
      offset = floor((draw / TWO_32) * pages);
    }
    if (offset >= pages) offset = pages - 1;
    uint32_t store = p[3] >= TWO_32 ? 1 : 0;
    if (p[3] > 0 && store == 0) store = next() < p[3] ? 1 : 0;
    out[i] = (uint32_t)(p[2] + offset * 4) + store;
  }
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 5) return 2;
  FILE *f = fopen(argv[1], "rb");
  double head[6];
  if (!f || fread(head, 8, 6, f) != 6) return 3;
  nregions = (int)head[0];
  for (int k = 0; k < 4; k++) st[k] = (uint32_t)head[1 + k];
  size_t tableLen = (size_t)head[5];
  regions = malloc(sizeof(double) * RW * nregions);
  table = malloc(sizeof(double) * (tableLen + 1));
  if (fread(regions, 8, RW * nregions, f) != (size_t)(RW * nregions)) return 4;
  if (fread(table, 8, tableLen, f) != tableLen) return 5;
  fclose(f);
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
