#!/bin/sh
# The traced part of tests/vm/74-ioend-convert-fail.sh, run by wbguard ioend
# (-- COMMAND). The dm device is suspended when this starts.
# Env: F the file, DMNAME the dm device, TABLE_ERR the table that fails the
# extent tree leaf, RES the prefix of the result files.
log() { echo "$*" >> $RES.log; }
# 1. fsync in the background: writeback maps the dirty block (the leaf comes
#    from the buffer cache) and submits the write, which dm holds
xfs_io -c fsync $F 2> $RES.fsync1.err &
p=$!
# 2. wait until the folio is under writeback: mapping done, the leaf's
#    buffer released
i=0
while [ "$(awk '/^Writeback:/ { print $2 }' /proc/meminfo)" = 0 ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
log "writeback seen after $i polls: $(grep '^Writeback:' /proc/meminfo)"
sleep 0.5
# 3. drop the clean page cache (the leaf with it), fail the leaf, resume
echo 1 > /proc/sys/vm/drop_caches
printf '%s\n' "$TABLE_ERR" | dmsetup reload $DMNAME || log "dmsetup reload failed"
dmsetup resume $DMNAME || log "dmsetup resume failed"
log "resumed with: $(dmsetup table $DMNAME | tr '\n' ';')"
# 4. the data write completes, the conversion fails; the result of fsync
wait $p
echo $? > $RES.fsync1.rc
# 5. a second fsync, begun after the failure
xfs_io -c fsync $F 2> $RES.fsync2.err
echo $? > $RES.fsync2.rc
exit 0
