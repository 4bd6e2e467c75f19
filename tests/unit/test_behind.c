/* test_behind.c - flush behind (lib/behind.c). */
#include "harness.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "behind.h"

/* open_fds counts the descriptors the process has open. */
static int
open_fds(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* Every file handed over is synced and its duplicate closed; the
 * caller's own descriptor stays open and usable; a stopped one starts
 * again at the next kick; stopping one never started does nothing. */
TEST(behind_syncs_and_closes_what_it_is_handed)
{
	struct zp_behind b = ZP_BEHIND_INIT, never = ZP_BEHIND_INIT;
	char path[] = "/tmp/zp-behind-XXXXXX";
	int fd = mkstemp(path), before, i, round;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	unlink(path);
	before = open_fds();
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 50; i++) {
			CHECK_INT(write(fd, "line\n", 5), 5);
			zp_behind_kick(&b, fd);
		}
		zp_behind_stop(&b);
		CHECK_INT(open_fds(), before);
		CHECK_INT(b.fd, -1);
	}
	CHECK_INT(write(fd, "end\n", 4), 4);
	CHECK_INT(lseek(fd, 0, SEEK_END), 2 * 50 * 5 + 4);
	zp_behind_stop(&never);
	CHECK_INT(never.started, 0);
	close(fd);
}
