/*
 * The actions behind each event type, done for real so that `kunai check`
 * sees its probes fire: exec, exec of a script, fork, thread exit, prctl,
 * kill, ptrace, memfd, io_uring, module and BPF loads, socket filters,
 * executable mappings, network (in a private network namespace) and files
 * (on a private tmpfs, in a private mount namespace). Nothing is left
 * behind on the host.
 */
#ifndef KN_TRIGGERS_H
#define KN_TRIGGERS_H

/* Run every action, in the calling process and its children. The first is
 * prctl(PR_SET_NAME, name): its event tells the process's id as the kernel
 * knows it (another than getpid() in a PID namespace). workdir: an empty
 * directory the actions may mount a tmpfs on. An action that cannot
 * be done here is reported on notes_fd as "TYPE\tREASON\n" (TYPE: the
 * event name); REASON starts with '-' when the kernel or its policy refuses
 * the action itself (the event cannot happen here). Returns 0. */
int triggers_run(const char *name, const char *workdir, int notes_fd);

#endif
