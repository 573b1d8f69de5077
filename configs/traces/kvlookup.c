/*
 * A toy key-value store for tiersim's example trace (configs/experiments/trace-replay.yaml):
 * fills an 8 MiB table (one store per 4 KiB page), then serves skewed lookups (the square of a
 * uniform draw, so low pages are hot and high pages cold), reading one slot per lookup.
 */
#include <stdint.h>
#include <stdlib.h>

#define PAGES 2048
#define SLOTS_PER_PAGE (4096 / sizeof(uint64_t))
#define LOOKUPS 8000

int main(void) {
  uint64_t *table = malloc((size_t)PAGES * 4096);
  if (table == NULL) return 1;
  for (uint64_t p = 0; p < PAGES; p++) table[p * SLOTS_PER_PAGE] = p;
  uint64_t x = 88172645463325252ull, sum = 0;
  for (int i = 0; i < LOOKUPS; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;              /* xorshift64 */
    uint64_t u = x >> 53;                                  /* 11 bits: 0..2047 */
    uint64_t page = (u * u) >> 11;                         /* skewed toward low pages */
    sum += table[page * SLOTS_PER_PAGE + (x & 7)];
  }
  return (int)(sum & 1);
}
