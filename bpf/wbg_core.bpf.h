/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CO-RE helpers for reading folio and mapping state across kernel
 * releases. folio->flags was an unsigned long up to 6.16 and became
 * memdesc_flags_t (a struct with member f) later; bit numbers come from
 * the target kernel's enums, never from constants.
 */
#ifndef WBG_CORE_BPF_H
#define WBG_CORE_BPF_H

#include <bpf/bpf_core_read.h>

struct wbg_memdesc_flags {
	unsigned long f;
};

struct folio___memdesc {
	struct wbg_memdesc_flags flags;
} __attribute__((preserve_access_index));

struct folio___ulong {
	unsigned long flags;
} __attribute__((preserve_access_index));

static __always_inline unsigned long wbg_folio_flags(const void *folio)
{
	const struct folio___memdesc *fm = folio;
	const struct folio___ulong *fu = folio;

	if (bpf_core_field_exists(fm->flags.f))
		return BPF_CORE_READ(fm, flags.f);
	return BPF_CORE_READ(fu, flags);
}

/*
 * The same word by a direct load, for a trusted folio pointer (a tp_btf
 * argument): the verifier checks the access against the kernel's BTF and
 * no helper is called. The dead branch's relocation is poisoned by libbpf
 * and removed by the verifier.
 */
static __always_inline unsigned long wbg_folio_flags_load(const void *folio)
{
	const struct folio___memdesc *fm = folio;
	const struct folio___ulong *fu = folio;

	if (bpf_core_field_exists(fm->flags.f))
		return fm->flags.f;
	return fu->flags;
}

/* Returns -1 when the running kernel lacks the enum value. */
static __always_inline int wbg_pg_writeback_bit(void)
{
	if (!bpf_core_enum_value_exists(enum pageflags, PG_writeback))
		return -1;
	return bpf_core_enum_value(enum pageflags, PG_writeback);
}

static __always_inline int wbg_pg_dirty_bit(void)
{
	if (!bpf_core_enum_value_exists(enum pageflags, PG_dirty))
		return -1;
	return bpf_core_enum_value(enum pageflags, PG_dirty);
}

static __always_inline int wbg_as_stable_writes_bit(void)
{
	if (!bpf_core_enum_value_exists(enum mapping_flags, AS_STABLE_WRITES))
		return -1;
	return bpf_core_enum_value(enum mapping_flags, AS_STABLE_WRITES);
}

static __always_inline int wbg_test_bit(int nr, unsigned long word)
{
	return nr >= 0 && nr < 64 && ((word >> nr) & 1);
}

/* Bit 0 of this word marks a tail page: compound_head up to 7.2,
 * compound_info (which may encode a mask instead of a pointer) in 7.3. */
struct page___wbg {
	unsigned long compound_head;
	struct address_space *mapping;
} __attribute__((preserve_access_index));

struct page___wbg73 {
	unsigned long compound_info;
} __attribute__((preserve_access_index));

/*
 * The page of a bio's first bio_vec if it heads a page-cache folio, else
 * NULL: bio_add_folio() adds the head page with an offset, so a tail page
 * is skipped rather than decoded; anon and movable mappings carry low
 * bits, and fscrypt's bounce pages have no mapping. A head page is its
 * folio (page->index is gone in 7.3: read the folio's).
 */
static __always_inline struct folio *wbg_bio_file_folio(struct bio *bio)
{
	struct page___wbg *page;
	unsigned long info, mapping;

	page = (void *)BPF_CORE_READ(bio, bi_io_vec, bv_page);
	if (!page)
		return NULL;
	if (bpf_core_field_exists(page->compound_head))
		info = BPF_CORE_READ(page, compound_head);
	else
		info = BPF_CORE_READ((struct page___wbg73 *)page, compound_info);
	mapping = (unsigned long)BPF_CORE_READ(page, mapping);
	if ((info & 1) || !mapping || (mapping & 3))
		return NULL;
	return (struct folio *)page;
}

#endif /* WBG_CORE_BPF_H */
