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

/*
 * rd_kafka_producev is variadic and therefore not callable from Swift. This fixed-arity wrapper
 * covers every field the Swift producer sets. The payload is always copied (RD_KAFKA_MSG_F_COPY) so
 * Swift buffers only need to live for the duration of the call. On success librdkafka owns
 * `headers`; on failure the caller still owns them.
 */
static inline rd_kafka_resp_err_t leadscore_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt,
                                                    int32_t partition, const void *key,
                                                    size_t key_len, const void *value,
                                                    size_t value_len, rd_kafka_headers_t *headers,
                                                    void *opaque) {
    if (headers) {
        return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, value_len),
                                 RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_OPAQUE(opaque),
                                 RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_VALUE(value, value_len),
                             RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

#endif
