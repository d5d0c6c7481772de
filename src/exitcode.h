/* Exit statuses shared by every verb (BSD sysexits values, so scripts can
 * tell bad data from an unreadable path from a bug). */
#ifndef ENERGYLENS_EXITCODE_H
#define ENERGYLENS_EXITCODE_H

enum exit_code {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_DATAERR = 65,
	EXIT_NOINPUT = 66,
	EXIT_SOFTWARE = 70,
	EXIT_CANTCREAT = 73,
};

#endif
