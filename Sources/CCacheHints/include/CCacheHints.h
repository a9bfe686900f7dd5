#ifndef LEADSCORE_CCACHEHINTS_H
#define LEADSCORE_CCACHEHINTS_H

/*
 * Asks the CPU to bring `address` into its caches ahead of use (a hint: never faults, no effect on
 * results). Swift has no prefetch of its own; the scoring core (a lead's id-table slot and record a
 * few events ahead) and the Kafka layer (consumed messages, allocated by librdkafka's threads and
 * first read by a partition worker on another core) both use this one.
 */
static inline void leadscore_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
