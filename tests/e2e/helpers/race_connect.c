/* An address rewritten by another thread while connect runs. Usage:
 * race_connect REFUSED OPEN N. For each i < N: a TCP connect to
 * 127.0.0.1:REFUSED (nothing listens there) while a second thread rewrites
 * the port to OPEN (a listening port) after a delay from none to
 * milliseconds. A connect that failed used REFUSED, whatever the caller's
 * memory says by its end; one that succeeded used OPEN. Prints "i 0" or
 * "i ERRNO" per connect. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "racer.h"

static struct sockaddr_in sa;
static unsigned short open_port;

static void racer_rewrite(void)
{
	sa.sin_port = htons(open_port);
}

int main(int argc, char **argv)
{
	unsigned short refused;
	int n;

	if (argc != 4)
		return 2;
	refused = (unsigned short)atoi(argv[1]);
	open_port = (unsigned short)atoi(argv[2]);
	n = atoi(argv[3]);
	if (racer_start())
		return 1;
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

		if (fd < 0)
			return 1;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons(refused);
		racer_arm(i, 16);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
		racer_wait();
		close(fd);
		printf("%d %d\n", i, rc);
	}
	racer_stop();
	return 0;
}
