/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Native Linux AIO for the workloads, by raw system call: glibc has no
 * wrappers and libaio would be one more library in every static binary.
 */
#ifndef WL_AIO_H
#define WL_AIO_H

#include <linux/aio_abi.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline long io_setup_(unsigned n, aio_context_t *ctx) { return syscall(SYS_io_setup, n, ctx); }
static inline long io_destroy_(aio_context_t ctx) { return syscall(SYS_io_destroy, ctx); }
static inline long io_submit_(aio_context_t ctx, long n, struct iocb **iocbs) { return syscall(SYS_io_submit, ctx, n, iocbs); }
static inline long io_getevents_(aio_context_t ctx, long min, long max, struct io_event *ev,
				 struct timespec *ts) { return syscall(SYS_io_getevents, ctx, min, max, ev, ts); }

#endif
