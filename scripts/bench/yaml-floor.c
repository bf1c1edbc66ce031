/*
 * yaml-floor: the benchmark's floor.  Runs libyaml's event parser over a
 * file and does nothing else, so `make bench` can report validate's time
 * as a ratio to the cost of merely parsing the same input with the same
 * libyaml.  Not part of the plugin.
 */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv)
{
	yaml_parser_t parser;
	yaml_event_t event;
	FILE *fp;
	unsigned long events = 0;
	int done = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: yaml-floor FILE\n");
		return 2;
	}
	fp = fopen(argv[1], "rb");
	if (!fp) {
		perror(argv[1]);
		return 2;
	}
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_file(&parser, fp);
	while (!done) {
		if (!yaml_parser_parse(&parser, &event)) {
			fprintf(stderr, "yaml-floor: parse error\n");
			break;
		}
		done = event.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&event);
		events++;
	}
	yaml_parser_delete(&parser);
	fclose(fp);
	printf("%lu events\n", events);
	return 0;
}
