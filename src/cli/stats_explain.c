/* SPDX-License-Identifier: MIT */
/* twtune stats --explain: the seed's table of TCP states, done right. The facts are the
 * kernel's state machine (net/ipv4/tcp.c, tcp_input.c, tcp_minisocks.c) and RFC 793/9293. */
#include <stdio.h>

#include "cli.h"
#include "format.h"
#include "output.h"
#include "util.h"

static const struct {
        const char *state, *meaning, *holder, *high, *not_meaning;
} states[] = {
        {"ESTABLISHED", "the connection is open; data flows both ways", "both ends",
         "many open connections: connection pools, keep-alive, long polling",
         "a problem by itself; only the file and memory limits bound it"},
        {"SYN_SENT", "connect() sent a SYN and waits for the SYN-ACK", "the side that connects (client)",
         "destinations that do not answer: filtered, down or overloaded; connect() waits up to tcp_syn_retries "
         "retransmissions",
         "a shortage of local ports (that is EADDRNOTAVAIL or a slow connect(), before any SYN)"},
        {"SYN_RECV", "a SYN arrived and the SYN-ACK went out; the final ACK has not (request sockets, shown so)",
         "the side that listens (server)",
         "a SYN flood, or clients whose ACKs are lost; see TcpExt TCPReqQFullDrop and SyncookiesSent",
         "a full accept queue: that drops handshakes (ListenOverflows) without many SYN_RECV"},
        {"FIN_WAIT1", "this side closed and sent its FIN; the peer has not acknowledged it",
         "the side that closed first", "peers that stopped reading (a zero window holds unsent data) or vanished",
         "slow applications on this host: close() was already called"},
        {"FIN_WAIT2", "this side's FIN was acknowledged; it waits for the peer's FIN",
         "the side that closed first",
         "peers that do not close their end; once this side's socket is closed (an orphan) tcp_fin_timeout "
         "(60 s) bounds the wait",
         "TIME_WAIT: tcp_fin_timeout does not shorten TIME_WAIT"},
        {"TIME_WAIT", "both FINs are exchanged; the 4-tuple is held 60 s (TCP_TIMEWAIT_LEN, fixed) so that late "
                      "segments of the old connection cannot enter a new one",
         "the side that closed first (the seed's table has it backwards: receiving the FIN first leads to CLOSE_WAIT)",
         "many short connections closed first by this host; a client's TIME_WAIT to one destination holds a local "
         "port each: past half the range connect() slows, with all held it fails with EADDRNOTAVAIL (twtune advise)",
         "trouble on a server (its TIME_WAIT holds no ephemeral port), nor much memory (a small socket each); "
         "lowering tcp_max_tw_buckets only makes sockets skip it"},
        {"CLOSE", "the socket is closed or not yet connected", "either side, briefly",
         "sockets created and not yet connected, or just torn down", "a leak by itself"},
        {"CLOSE_WAIT", "the peer closed (its FIN arrived); this application has not called close()",
         "the side that did not close first",
         "an application that does not close its sockets: a bug; it never times out", "something a sysctl can fix"},
        {"LAST_ACK", "this side closed after the peer and waits for the ACK of its FIN",
         "the side that closed second", "peers gone or a lossy path (the FIN is retransmitted)",
         "a leak: it ends when the ACK comes or the retransmissions give up"},
        {"LISTEN", "a listening socket waits for connections", "the server",
         "many services or SO_REUSEPORT groups (one socket each)", "load: see the accept queue (ss -ltn Recv-Q/Send-Q)"},
        {"CLOSING", "both sides closed at once: the peer's FIN came before the ACK of ours", "either side",
         "simultaneous closes on a lossy path; rare", "an application bug"},
};

int stats_explain(struct cli *c);
int stats_explain(struct cli *c)
{
        if (c->format == FMT_JSON) {
                json_begin(c);
                fputs(", \"explain\": [", c->out);
                for (size_t i = 0; i < ELEMENTSOF(states); i++) {
                        fputs(i ? ",\n  {\"state\": " : "\n  {\"state\": ", c->out);
                        json_str(c->out, states[i].state);
                        json_member(c->out, "meaning", states[i].meaning);
                        json_member(c->out, "held_by", states[i].holder);
                        json_member(c->out, "high_count_means", states[i].high);
                        json_member(c->out, "does_not_mean", states[i].not_meaning);
                        fputc('}', c->out);
                }
                fputs("\n]}\n", c->out);
                return EXIT_OK;
        }
        for (size_t i = 0; i < ELEMENTSOF(states); i++)
                fprintf(c->out, "%s\n  meaning: %s\n  held by: %s\n  many of them: %s\n  does not mean: %s\n\n",
                        states[i].state, states[i].meaning, states[i].holder, states[i].high, states[i].not_meaning);
        fputs("NEW_SYN_RECV, the kernel's request sockets, is reported as SYN_RECV.\n", c->out);
        return EXIT_OK;
}
