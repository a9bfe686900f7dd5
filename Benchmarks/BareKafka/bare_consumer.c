/*
 * bare_consumer: the baseline a Kafka client can be compared with. Reads a topic with plain
 * librdkafka, no processing, and prints how many messages per second it read.
 *
 *   bare_consumer -b HOST:PORT -t TOPIC [-n COUNT] [-g GROUP] [-T SECONDS] [-X key=value]...
 *
 * Without -g it assigns every partition from the beginning and stops when all of them reached
 * their end (enable.partition.eof). With -g it joins the group (cooperative-sticky), starting at
 * the earliest offset, and stops after COUNT messages. -n also bounds the assign mode. -T is an
 * overall time limit (default 120 s). The clock starts at the first message, so group join and
 * connection setup are not counted. Output, one line, machine-readable:
 *
 *   messages=N bytes=B seconds=S msgs_per_sec=R mb_per_sec=M
 */
#include <librdkafka/rdkafka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested = 0;
static void on_signal(int sig) { (void)sig; stop_requested = 1; }

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_or_die(rd_kafka_conf_t *conf, const char *key, const char *value) {
    char errstr[512];
    if (rd_kafka_conf_set(conf, key, value, errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "bare_consumer: %s=%s: %s\n", key, value, errstr);
        exit(2);
    }
}

static void usage(void) {
    fprintf(stderr, "usage: bare_consumer -b BROKERS -t TOPIC [-n COUNT] [-g GROUP] [-T SECONDS] [-X key=value]...\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *brokers = NULL, *topic = NULL, *group = NULL;
    long long limit = -1;
    double time_limit = 120;
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    int opt;
    while ((opt = getopt(argc, argv, "b:t:n:g:T:X:")) != -1) {
        switch (opt) {
        case 'b': brokers = optarg; break;
        case 't': topic = optarg; break;
        case 'n': limit = atoll(optarg); break;
        case 'g': group = optarg; break;
        case 'T': time_limit = atof(optarg); break;
        case 'X': {
            char *eq = strchr(optarg, '=');
            if (!eq) usage();
            *eq = '\0';
            set_or_die(conf, optarg, eq + 1);
            break;
        }
        default: usage();
        }
    }
    if (!brokers || !topic || (group && limit < 0)) usage();
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);

    set_or_die(conf, "bootstrap.servers", brokers);
    set_or_die(conf, "enable.auto.commit", "false");
    set_or_die(conf, "auto.offset.reset", "earliest");
    if (group) {
        set_or_die(conf, "group.id", group);
        set_or_die(conf, "partition.assignment.strategy", "cooperative-sticky");
    } else {
        set_or_die(conf, "group.id", "bare-consumer-assign");
        set_or_die(conf, "enable.partition.eof", "true");
    }
    char errstr[512];
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
    if (!rk) {
        fprintf(stderr, "bare_consumer: %s\n", errstr);
        return 2;
    }
    rd_kafka_poll_set_consumer(rk);

    int partition_count = 0;
    rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(1);
    if (group) {
        rd_kafka_topic_partition_list_add(list, topic, RD_KAFKA_PARTITION_UA);
        rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, list);
        if (err) {
            fprintf(stderr, "bare_consumer: subscribe: %s\n", rd_kafka_err2str(err));
            return 1;
        }
    } else {
        const struct rd_kafka_metadata *md;
        rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
        rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 10000);
        if (err || md->topic_cnt != 1 || md->topics[0].err) {
            fprintf(stderr, "bare_consumer: metadata for %s: %s\n", topic,
                    rd_kafka_err2str(err ? err : md->topics[0].err));
            return 1;
        }
        partition_count = md->topics[0].partition_cnt;
        for (int i = 0; i < partition_count; i++)
            rd_kafka_topic_partition_list_add(list, topic, md->topics[0].partitions[i].id)->offset =
                RD_KAFKA_OFFSET_BEGINNING;
        rd_kafka_metadata_destroy(md);
        rd_kafka_topic_destroy(rkt);
        err = rd_kafka_assign(rk, list);
        if (err) {
            fprintf(stderr, "bare_consumer: assign: %s\n", rd_kafka_err2str(err));
            return 1;
        }
    }
    rd_kafka_topic_partition_list_destroy(list);

    long long messages = 0, bytes = 0;
    int eof_count = 0;
    char *at_end = calloc(partition_count > 0 ? partition_count : 1, 1);
    double started = 0, last = 0;
    double deadline = now_seconds() + time_limit;
    while (!stop_requested && (limit < 0 || messages < limit) && now_seconds() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (!m) continue;
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            if (messages == 0) started = now_seconds();
            messages++;
            bytes += (long long)m->len;
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
            fprintf(stderr, "bare_consumer: %s\n", rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
        if (!group && eof_count == partition_count) break;
    }
    double seconds = messages > 1 ? last - started : 0;
    printf("messages=%lld bytes=%lld seconds=%.3f msgs_per_sec=%.0f mb_per_sec=%.1f\n", messages, bytes, seconds,
           seconds > 0 ? (double)messages / seconds : 0, seconds > 0 ? (double)bytes / seconds / 1e6 : 0);
    free(at_end);
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return 0;
}
