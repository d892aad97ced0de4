import { Controller, Param, Sse, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { map, type Observable } from 'rxjs';
import { EventStreamGuard } from './events.guard';
import { EventsService } from './events.service';

@ApiTags('scans')
@ApiSecurity('api-key')
@Controller('api/scans')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Sse(':id/events')
  @UseGuards(EventStreamGuard)
  @ApiParam({ name: 'id', description: 'scan id (returned by POST /api/scans)' })
  @ApiOkResponse({
    description: "text/event-stream: 'progress' events (ScanProgress JSON), then one 'end' event {scanId, status, reason: final | idle | max-age}",
  })
  @ApiResponse({ status: 429, description: 'too many open event streams for the group or the client address (the message names the limit)' })
  @ApiOperation({
    summary:
      'Server-sent events with the progress of a scan (API key in the x-api-key header; keys in the URL are ignored). Streams are limited per group and per client address and end when idle; reconnect after an idle end.',
  })
  stream(@Param('id') id: string): Observable<{ type: string; data: string; id?: string }> {
    return this.events.events(id).pipe(map((e) => ({ ...e, data: JSON.stringify(e.data) })));
  }
}
