/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The skeleton bpftool generates from bpf/guard.bpf.c, for every userspace
 * user of it (the loader, the BPF tests, the benchmark). The generated code
 * trips -Wextra (unused helpers and parameters, partial initialisers); it
 * is not ours to edit, so those warnings are silenced for it alone.
 */
#ifndef HOTLINE_GUARD_SKEL_H
#define HOTLINE_GUARD_SKEL_H

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "guard.skel.h"
#pragma GCC diagnostic pop

#endif
