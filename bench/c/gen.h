/*
 * The generator's method in C, shared by generate.c and access.c: xoshiro128** (the same step as
 * src/workload/prng.ts); for a task of several uniform/Zipfian regions its mix table (zipf.ts
 * aliasSampler: region, store and block from one draw, the page from a second), for one region
 * the uniform scale or the region's Zipf alias table and the store draw; the excess outcomes'
 * ranks after the batch (tangent and chord bounds first, pow between them); the entry encoded as page * 4 + store into a 4096-entry batch.
 * Region parameters (RW doubles each) and Zipf tables as the JS benches write them.
 */
#ifndef TIERSIM_BENCH_GEN_H
#define TIERSIM_BENCH_GEN_H
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define BATCH_LEN 4096
#define RW 8 /* cut, pages, head, write cut, zipf, table offset, column shift, unused */
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

static int mixAt = -1, mixShift = 0;
static int exIndex[BATCH_LEN];
static size_t exSlow[BATCH_LEN];

/* zipf.ts aliasRecord: the column by the top bits, its own record or its alias by the low bits. */
static inline const double *alias_record(const double *z, uint32_t draw, int shift) {
  const double *col = z + ((size_t)(draw >> shift) << 3);
  return (draw & ((1u << shift) - 1)) < col[0] ? col + 1 : col + 4;
}

static void fill(void) {
  int nx = 0;
  if (mixAt >= 0) {
    /* A task's mix table: region, store and block in one draw, the page within the block in a second. */
    const double *z = table + mixAt;
    for (int i = 0; i < BATCH_LEN; i++) {
      const double *o = alias_record(z, next(), mixShift);
      uint32_t v = next();
      double width = o[1];
      out[i] = (uint32_t)(o[0] + 4 * floor(v * fmax(width, 0) * (1.0 / TWO_32)));
      if (width < 0) { exIndex[nx] = i; exSlow[nx] = (size_t)mixAt + (size_t)-width; nx++; }
    }
  } else {
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
        const double *o = alias_record(table + (size_t)p[5], draw, (int)p[6]);
        uint32_t v = next();
        double width = o[1];
        offset = o[0] + floor(v * fmax(width, 0) * (1.0 / TWO_32));
        if (width < 0) { exIndex[nx] = i; exSlow[nx] = (size_t)p[5] + (size_t)-width; nx++; }
      } else {
        offset = floor((draw / TWO_32) * pages);
      }
      if (offset >= pages) offset = pages - 1;
      uint32_t store = p[3] >= TWO_32 ? 1 : 0;
      if (p[3] > 0 && store == 0) store = next() < p[3] ? 1 : 0;
      out[i] = (uint32_t)(p[2] + offset * 4) + store;
    }
  }
  /* zipf.ts zipfExcessRank, after the batch in entry order: the rank within an excess outcome's
     block by rejection (rank draw, then acceptance draw). */
  for (int k = 0; k < nx; k++) {
    const double *sl = table + exSlow[k];
    double m = sl[4], top = sl[1] * (1.0 / TWO_32), j;
    /* Most tries decided by the tangent (below) and chord (above) bounds, as zipf.ts. */
    double tangent = (-sl[2] * sl[0]) / (sl[3] + m - 1), chord = sl[1] / (m - 1);
    double margin = 1e-12 * (sl[0] + sl[1]);
    for (;;) {
      j = floor(next() * m * (1.0 / TWO_32));
      double y = next() * top, left = m - 1 - j;
      if (y < tangent * left - margin) break;
      if (y < chord * left + margin && y < pow(sl[3] + j, sl[2]) - sl[0]) break;
    }
    out[exIndex[k]] += (uint32_t)(sl[5] + 4 * (sl[3] - 1 + j));
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

/* Reads the parameter file: [n regions, 4 state words, table length, mix table offset or -1,
   its shift], regions, tables. */
static int load(const char *path) {
  FILE *f = fopen(path, "rb");
  double head[8];
  if (!f || fread(head, 8, 8, f) != 8) return 3;
  nregions = (int)head[0];
  for (int k = 0; k < 4; k++) st[k] = (uint32_t)head[1 + k];
  size_t tableLen = (size_t)head[5];
  mixAt = (int)head[6];
  mixShift = (int)head[7];
  regions = malloc(sizeof(double) * RW * nregions);
  table = malloc(sizeof(double) * (tableLen + 1));
  if (fread(regions, 8, RW * nregions, f) != (size_t)(RW * nregions)) return 4;
  if (fread(table, 8, tableLen, f) != tableLen) return 5;
  fclose(f);
  return 0;
}
#endif
