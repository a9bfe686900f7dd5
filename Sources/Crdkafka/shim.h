#ifndef LEADSCORE_CRDKAFKA_SHIM_H
#define LEADSCORE_CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

/* Macros with casts are not imported into Swift; re-export them as constants. */
static const int32_t leadscore_partition_ua = RD_KAFKA_PARTITION_UA;
static const int64_t leadscore_offset_beginning = RD_KAFKA_OFFSET_BEGINNING;
static const int64_t leadscore_offset_end = RD_KAFKA_OFFSET_END;
static const int64_t leadscore_offset_stored = RD_KAFKA_OFFSET_STORED;
static const int64_t leadscore_offset_invalid = RD_KAFKA_OFFSET_INVALID;

#endif
