/*
 * bare_producer: produces COUNT small messages with plain librdkafka as fast as it can and prints
 * the rate; the baseline for producer throughput and a quick way to fill a topic for benchmarks.
 *
 *   bare_producer -b HOST:PORT -t TOPIC -n COUNT [-s VALUE_BYTES] [-X key=value]...
 *
 * Keys are "key-<i % 10000>", values VALUE_BYTES bytes (default 100). Waits for every delivery
 * report; exits non-zero if any delivery failed. Output, one line:
 *
 *   messages=N failed=F seconds=S msgs_per_sec=R
 */
#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long delivered = 0, failed = 0;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (failed++ == 0) fprintf(stderr, "bare_producer: delivery failed: %s\n", rd_kafka_err2str(m->err));
    } else {
        delivered++;
    }
}

static void set_or_die(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bare_producer: %s=%s: %s\n", key, value, errstr);
        exit(2);
    }
}

int main(int argc, char **argv) {
    const char *brokers = NULL, *topic = NULL;
    long long count = -1;
    size_t value_size = 100;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    set_or_die(conf, "linger.ms", "5");
    set_or_die(conf, "queue.buffering.max.messages", "1000000");
    int opt;
    while ((opt = getopt(argc, argv, "b:t:n:s:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': topic = optarg; break;
        case 'n': count = atoll(optarg); break;
        case 's': value_size = (size_t)atol(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) goto usage;
            *eq = '\0';
            set_or_die(conf, optarg, eq + 1);
            break;
        }
        default: goto usage;
        }
    }
    if (!brokers || !topic || count < 0) goto usage;
    set_or_die(conf, "bootstrap.servers", brokers);
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "bare_producer: %s\n", errstr);
        return 2;
    }
    char *value = malloc(value_size ? value_size : 1);
    memset(value, 'x', value_size);
    char key[32];
    double started = now_seconds();
    for (long long i = 0; i < count; i++) {
        int key_len = snprintf(key, sizeof key, "key-%lld", i % 10000);
        for (;;) {
            rd_kafka_resp_err_t err = rd_kafka_producev(
                rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                RD_KAFKA_V_KEY(key, (size_t)key_len), RD_KAFKA_V_VALUE(value, value_size), RD_KAFKA_V_END);
            if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break;
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                fprintf(stderr, "bare_producer: produce: %s\n", rd_kafka_err2str(err));
                return 1;
            }
            rd_kafka_poll(rk, 10);
        }
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 120000);
    double seconds = now_seconds() - started;
    printf("messages=%lld failed=%lld seconds=%.3f msgs_per_sec=%.0f\n", delivered, failed, seconds,
           seconds > 0 ? (double)delivered / seconds : 0);
    free(value);
    rd_kafka_destroy(rk);
    return failed || delivered != count ? 1 : 0;
usage:
    fprintf(stderr, "usage: bare_producer -b BROKERS -t TOPIC -n COUNT [-s VALUE_BYTES] [-X key=value]...\n");
    return 2;
}
