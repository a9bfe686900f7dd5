// Counts the process's malloc, calloc, realloc and aligned allocations and prints the totals to
// stderr at exit: allocations per event, without a profiler (Benchmarks/README.md, issue 17
// stage 4). Build and use:
//   cc -O2 -shared -fPIC -o malloc-count.so Benchmarks/Tools/malloc-count.c
//   LD_PRELOAD=./malloc-count.so leadscore replay --quiet events.jsonl > /dev/null
// For the daemon under Benchmarks/Kafka/end-to-end.sh, point E2E_LEADSCORE at a wrapper script
// that sets LD_PRELOAD and execs leadscore; the totals land in the kept work folder's daemon.log
// (E2E_KEEP=1).
#define _GNU_SOURCE
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static atomic_long mallocs, callocs, reallocs, aligned;

void *malloc(size_t size) { atomic_fetch_add(&mallocs, 1); return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { atomic_fetch_add(&callocs, 1); return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { atomic_fetch_add(&reallocs, 1); return __libc_realloc(p, size); }
void *aligned_alloc(size_t alignment, size_t size) { atomic_fetch_add(&aligned, 1); return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    atomic_fetch_add(&aligned, 1);
    *out = __libc_memalign(alignment, size);
    return *out ? 0 : 12; // ENOMEM
}

__attribute__((destructor)) static void report(void) {
    fprintf(stderr, "malloc-count: malloc=%ld calloc=%ld realloc=%ld aligned=%ld\n",
            atomic_load(&mallocs), atomic_load(&callocs), atomic_load(&reallocs), atomic_load(&aligned));
}
