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
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in sa;
static atomic_int go, done;
static int delay;
static unsigned short open_port;

static void *racer(void *arg)
{
	for (;;) {
		while (!atomic_load(&go))
			;
		atomic_store(&go, 0);
		if (delay < 0)
			return NULL;
		for (volatile int k = 0; k < delay; k++)
			;
		sa.sin_port = htons(open_port);
		atomic_store(&done, 1);
	}
}

int main(int argc, char **argv)
{
	unsigned short refused;
	pthread_t th;
	int n;

	if (argc != 4)
		return 2;
	refused = (unsigned short)atoi(argv[1]);
	open_port = (unsigned short)atoi(argv[2]);
	n = atoi(argv[3]);
	if (pthread_create(&th, NULL, racer, NULL))
		return 1;
	for (int i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0), rc;

		if (fd < 0)
			return 1;
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sa.sin_port = htons(refused);
		delay = i % 2 ? (int)((i * 37u) % 3000u) : 1 << (i / 2 % 16);
		atomic_store(&done, 0);
		atomic_store(&go, 1);
		rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) ? errno : 0;
		while (!atomic_load(&done))
			;
		close(fd);
		printf("%d %d\n", i, rc);
	}
	delay = -1;
	atomic_store(&go, 1);
	pthread_join(th, NULL);
	return 0;
}
