/*
 * bare_relay: the floor of any consume-and-produce processor on a broker. Reads a topic with plain
 * librdkafka and, for every input message, produces one output message with the same key and
 * value bytes to another topic, with headers shaped like the daemon's (OutputPublisher):
 *
 *   leadscore-source         "<input topic>/<partition>"
 *   leadscore-source-offset  the input offset, decimal
 *   leadscore-dedupe         "<input key>:<input offset>" (the daemon's is "<lead id>:<seq>")
 *   leadscore-instance       a UUID-shaped id of this process (or -I)
 *
 *   bare_relay -b HOST:PORT -t TOPIC -o OUTPUT_TOPIC [-n COUNT] [-g GROUP] [-e] [-f] [-I INSTANCE]
 *              [-T SECONDS] [-X key=value]...
 *
 * Without -g it assigns every partition and stops when all of them reached their end
 * (enable.partition.eof); with -g it joins the group (cooperative-sticky, like the daemon) and
 * stops after COUNT messages. -n also bounds the assign mode. -f (follow) never stops at the end of
 * the partitions: the relay then runs until COUNT, -T or SIGINT/SIGTERM (latency mode). It starts
 * at the earliest offset, or with -e at the end (auto.offset.reset=latest, or OFFSET_END when
 * assigning). -T is an overall time limit (default 120 s). -X sets a librdkafka property on both
 * the consumer and the producer (after the defaults below, so it overrides them); consumer-only
 * properties are ignored by the producer and vice versa, without a warning.
 *
 * Defaults: enable.auto.commit=false (no commits: the floor); a producer like the daemon's:
 * enable.idempotence=true, linger.ms=5; queue.buffering.max.messages=100000. On QUEUE_FULL the
 * relay serves delivery reports and retries, so the consumer is back-pressured by the producer as
 * the daemon's is.
 *
 * With -g, "bare_relay: assigned N partitions" goes to stderr when the group hands partitions over
 * (a driver can wait for it). At the end, after flushing every output, one line goes to stdout:
 *
 *   messages=N seconds=S msgs_per_sec=R cpu_seconds=C cpu_us_per_msg=U
 *     total_seconds=S2 total_cpu_seconds=C2 delivered=D failed=F
 *
 * seconds and cpu_seconds run from the first input message to the last one relayed (produce
 * enqueued), like the daemon's own rate, so start-up and the group join are not counted;
 * total_seconds and total_cpu_seconds also include the final flush until every delivery report
 * arrived. CPU is this process's user + system time (getrusage, all threads).
 */
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static long long delivered = 0, failed = 0;

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double cpu_seconds(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
           (double)ru.ru_stime.tv_usec / 1e6;
}

static void set_or_die(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bare_relay: %s=%s: %s\n", key, value, errstr);
        exit(2);
    }
}

/* Drops librdkafka's "this is a consumer property, ignored by this producer" warnings (-X goes to
 * both clients); everything else goes to stderr. */
static void on_log(const rd_kafka_t *rk, int level, const char *fac, const char *buf) {
    (void)rk;
    if (!strcmp(fac, "CONFWARN")) return;
    fprintf(stderr, "bare_relay: %d %s: %s\n", level, fac, buf);
}

static void on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
    (void)rk;
    (void)opaque;
    if (m->err) {
        if (failed++ == 0) fprintf(stderr, "bare_relay: delivery failed: %s\n", rd_kafka_err2str(m->err));
    } else {
        delivered++;
    }
}

static void on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions,
                         void *opaque) {
    (void)opaque;
    int cooperative = !strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE");
    rd_kafka_error_t *error = NULL;
    rd_kafka_resp_err_t assign_err = RD_KAFKA_RESP_ERR_NO_ERROR;
    if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
        if (cooperative)
            error = rd_kafka_incremental_assign(rk, partitions);
        else
            assign_err = rd_kafka_assign(rk, partitions);
        fprintf(stderr, "bare_relay: assigned %d partitions\n", partitions->cnt);
    } else if (err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
        if (cooperative)
            error = rd_kafka_incremental_unassign(rk, partitions);
        else
            assign_err = rd_kafka_assign(rk, NULL);
    } else {
        fprintf(stderr, "bare_relay: rebalance: %s\n", rd_kafka_err2str(err));
        assign_err = rd_kafka_assign(rk, NULL);
    }
    if (error) {
        fprintf(stderr, "bare_relay: (un)assign: %s\n", rd_kafka_error_string(error));
        rd_kafka_error_destroy(error);
    } else if (assign_err) {
        fprintf(stderr, "bare_relay: (un)assign: %s\n", rd_kafka_err2str(assign_err));
    }
}

static void usage(void) {
    fprintf(stderr, "usage: bare_relay -b BROKERS -t TOPIC -o OUTPUT_TOPIC [-n COUNT] [-g GROUP] [-e] [-f] [-I INSTANCE]"
                    " [-T SECONDS] [-X key=value]...\n");
    exit(2);
}

#define MAX_PROPS 64

int main(int argc, char **argv) {
    const char *brokers = NULL, *topic = NULL, *out_topic = NULL, *group = NULL, *instance = NULL;
    long long limit = -1;
    double time_limit = 120;
    int from_end = 0, follow = 0;
    char *props[MAX_PROPS];
    int prop_count = 0;
    int opt;
    while ((opt = getopt(argc, argv, "b:t:o:n:g:efI:T:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': topic = optarg; break;
        case 'o': out_topic = optarg; break;
        case 'n': limit = atoll(optarg); break;
        case 'g': group = optarg; break;
        case 'e': from_end = 1; break;
        case 'f': follow = 1; break;
        case 'I': instance = optarg; break;
        case 'T': time_limit = atof(optarg); break;
        case 'X':
            if (!strchr(optarg, '=') || prop_count == MAX_PROPS) usage();
            props[prop_count++] = optarg;
            break;
        default: usage();
        }
    }
    if (!brokers || !topic || !out_topic || (group && limit < 0 && !follow)) usage();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    char instance_buf[64];
    if (!instance) {
        /* UUID-shaped like the daemon's instance id (UUID().uuidString), so headers weigh the same. */
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long long r = (unsigned long long)ts.tv_nsec * 2654435761ull ^ (unsigned long long)getpid() << 32;
        snprintf(instance_buf, sizeof instance_buf, "%08X-%04X-4%03X-8%03X-%012llX", (unsigned)(r >> 32),
                 (unsigned)(r & 0xffff), (unsigned)(getpid() & 0xfff), (unsigned)(ts.tv_sec & 0xfff),
                 (unsigned long long)ts.tv_sec & 0xffffffffffffull);
        instance = instance_buf;
    }

    /* The consumer. */
    rd_kafka_conf_t *cconf = rd_kafka_conf_new();
    set_or_die(cconf, "bootstrap.servers", brokers);
    set_or_die(cconf, "enable.auto.commit", "false");
    set_or_die(cconf, "auto.offset.reset", from_end ? "latest" : "earliest");
    if (group) {
        set_or_die(cconf, "group.id", group);
        set_or_die(cconf, "partition.assignment.strategy", "cooperative-sticky");
        rd_kafka_conf_set_rebalance_cb(cconf, on_rebalance);
    } else {
        set_or_die(cconf, "group.id", "bare-relay-assign");
        set_or_die(cconf, "enable.partition.eof", "true");
    }
    /* The producer. */
    rd_kafka_conf_t *pconf = rd_kafka_conf_new();
    set_or_die(pconf, "bootstrap.servers", brokers);
    set_or_die(pconf, "enable.idempotence", "true");
    set_or_die(pconf, "linger.ms", "5");
    set_or_die(pconf, "queue.buffering.max.messages", "100000");
    rd_kafka_conf_set_dr_msg_cb(pconf, on_delivery);
    for (int i = 0; i < prop_count; i++) {
        char *eq = strchr(props[i], '=');
        *eq = '\0';
        set_or_die(cconf, props[i], eq + 1);
        set_or_die(pconf, props[i], eq + 1);
        *eq = '=';
    }
    rd_kafka_conf_set_log_cb(cconf, on_log);
    rd_kafka_conf_set_log_cb(pconf, on_log);

    char errstr[512];
    rd_kafka_t *consumer = rd_kafka_new(RD_KAFKA_CONSUMER, cconf, errstr, sizeof errstr);
    if (!consumer) {
        fprintf(stderr, "bare_relay: consumer: %s\n", errstr);
        return 2;
    }
    rd_kafka_t *producer = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof errstr);
    if (!producer) {
        fprintf(stderr, "bare_relay: producer: %s\n", errstr);
        return 2;
    }
    rd_kafka_poll_set_consumer(consumer);

    int partition_count = 0;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    if (group) {
        rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t err = rd_kafka_subscribe(consumer, list);
        if (err) {
            fprintf(stderr, "bare_relay: subscribe: %s\n", rd_kafka_err2str(err));
            return 1;
        }
    } else {
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(consumer, topic, NULL);
        rd_kafka_resp_err_t err = rd_kafka_metadata(consumer, 0, rkt, &md, 10000);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            fprintf(stderr, "bare_relay: metadata for %s: %s\n", topic, rd_kafka_err2str(err ? err : md->topics[0].err));
            return 1;
        }
        partition_count = md->topics[0].partition_cnt;
        for (int i = 0; i < partition_count; i++)
            rd_kafka_topic_partition_list_add(list, topic, md->topics[0].partitions[i].id)->offset =
                from_end ? RD_KAFKA_OFFSET_END : RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        err = rd_kafka_assign(consumer, list);
        if (err) {
            fprintf(stderr, "bare_relay: assign: %s\n", rd_kafka_err2str(err));
            return 1;
        }
    }
    rd_kafka_topic_partition_list_destroy(list);

    long long messages = 0;
    int eof_count = 0;
    char *at_end = calloc(partition_count > 0 ? partition_count : 1, 1);
    double started = 0, last = 0, cpu_started = 0;
    double deadline = now_seconds() + time_limit;
    char source[512], offset_text[32], dedupe[512];
    while (!stop_requested && (limit < 0 || messages < limit) && now_seconds() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(consumer, 100);
        if (!m) {
            rd_kafka_poll(producer, 0);
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (messages == 0) {
                started = now_seconds();
                cpu_started = cpu_seconds();
            }
            const char *in_topic = rd_kafka_topic_name(m->rkt);
            int source_len = snprintf(source, sizeof source, "%s/%d", in_topic, (int)m->partition);
            int offset_len = snprintf(offset_text, sizeof offset_text, "%lld", (long long)m->offset);
            size_t key_len = m->key_len < sizeof dedupe - 32 ? m->key_len : sizeof dedupe - 32;
            if (key_len) memcpy(dedupe, m->key, key_len);
            int dedupe_len = (int)key_len + snprintf(dedupe + key_len, sizeof dedupe - key_len, ":%lld", (long long)m->offset);
            rd_kafka_headers_t *headers = rd_kafka_headers_new(4);
            rd_kafka_header_add(headers, "leadscore-source", -1, source, source_len);
            rd_kafka_header_add(headers, "leadscore-source-offset", -1, offset_text, offset_len);
            rd_kafka_header_add(headers, "leadscore-dedupe", -1, dedupe, dedupe_len);
            rd_kafka_header_add(headers, "leadscore-instance", -1, instance, -1);
            for (;;) {
                rd_kafka_resp_err_t err = rd_kafka_producev(
                    producer, RD_KAFKA_V_TOPIC(out_topic), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                    RD_KAFKA_V_KEY(m->key, m->key_len), RD_KAFKA_V_VALUE(m->payload, m->len),
                    RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
                if (err == RD_KAFKA_RESP_ERR_NO_ERROR) break; /* the message owns the headers now */
                if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                    fprintf(stderr, "bare_relay: produce: %s\n", rd_kafka_err2str(err));
                    rd_kafka_headers_destroy(headers);
                    return 1;
                }
                rd_kafka_poll(producer, 10);
            }
            rd_kafka_poll(producer, 0);
            messages++;
            last = now_seconds();
            if (!group && m->partition < partition_count && at_end[m->partition]) {
                at_end[m->partition] = 0;
                eof_count--;
            }
        } else if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
            if (m->partition < partition_count && !at_end[m->partition]) {
                at_end[m->partition] = 1;
                eof_count++;
            }
        } else {
            fprintf(stderr, "bare_relay: %s\n", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        if (!group && !follow && eof_count == partition_count) break;
    }
    double cpu_last = messages > 0 ? cpu_seconds() : 0;
    rd_kafka_flush(producer, 120000);
    double flushed = now_seconds();
    double cpu_flushed = messages > 0 ? cpu_seconds() : 0;
    double seconds = messages > 1 ? last - started : 0;
    double cpu = messages > 0 ? cpu_last - cpu_started : 0;
    printf("messages=%lld seconds=%.3f msgs_per_sec=%.0f cpu_seconds=%.3f cpu_us_per_msg=%.2f total_seconds=%.3f "
           "total_cpu_seconds=%.3f delivered=%lld failed=%lld\n",
           messages, seconds, seconds > 0 ? (double)messages / seconds : 0, cpu, messages > 0 ? cpu * 1e6 / (double)messages : 0,
           messages > 0 ? flushed - started : 0, messages > 0 ? cpu_flushed - cpu_started : 0, delivered, failed);
    fflush(stdout);
    free(at_end);
    rd_kafka_consumer_close(consumer);
    rd_kafka_destroy(consumer);
    rd_kafka_destroy(producer);
    return failed ? 1 : 0;
}
