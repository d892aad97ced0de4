import { Body, Controller, Get, HttpCode, Param, Post, Sse, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { map, type Observable } from 'rxjs';
import { Group, RequireGroup } from '../common/auth';
import { CreateScanDto, ExtendScanDto } from './dto/create-scan.dto';
import { ScanReadableGuard } from './scan-access.guard';
import { ScansService } from './scans.service';

const ID = { name: 'id', description: 'scan id (returned by POST /api/scans)' };

@ApiTags('scans')
@ApiSecurity('api-key')
@Controller('api/scans')
export class ScansController {
  constructor(private readonly scans: ScansService) {}

  @Post()
  @RequireGroup()
  @ApiOperation({ summary: 'Submit a scan spec; starts a ScanWorkflow on Temporal. Private to the group unless visibility is public.' })
  @ApiBody({ type: CreateScanDto })
  submit(@Group() group: string, @Body() dto: CreateScanDto) {
    return this.scans.submit(group, dto);
  }

  @Get()
  @ApiOperation({ summary: "List scans visible to the caller: public ones and the caller's group's own." })
  list(@Group() group: string | null) {
    return this.scans.list(group);
  }

  @Get(':id')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Status, latest progress and point counts of a scan.' })
  get(@Group() group: string | null, @Param('id') id: string) {
    return this.scans.get(group, id);
  }

  @Get(':id/points')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Evaluated (point, search) results: CLs observed/expected and the excluded flag.' })
  points(@Group() group: string | null, @Param('id') id: string) {
    return this.scans.points(group, id);
  }

  @Get(':id/contour')
  @ApiParam(ID)
  @ApiOperation({ summary: "The exclusion contour of the scan's GP (Temporal query on the workflow)." })
  contour(@Group() group: string | null, @Param('id') id: string) {
    return this.scans.contour(group, id);
  }

  @Sse(':id/events')
  @UseGuards(ScanReadableGuard)
  @ApiParam(ID)
  @ApiOkResponse({ description: "text/event-stream: 'progress' events (ScanProgress JSON), then one 'end' event" })
  @ApiOperation({ summary: 'Server-sent events with the progress of a scan (API key in the x-api-key header; keys in the URL are ignored).' })
  events(@Param('id') id: string): Observable<{ type: string; data: string; id?: string }> {
    return this.scans.events(id).pipe(map((e) => ({ ...e, data: JSON.stringify(e.data) })));
  }

  @Post(':id/pause')
  @HttpCode(202)
  @RequireGroup()
  @ApiParam(ID)
  @ApiOperation({ summary: 'Signal: pause after the round in flight.' })
  pause(@Group() group: string, @Param('id') id: string) {
    return this.scans.signal(group, id, 'pause');
  }

  @Post(':id/resume')
  @HttpCode(202)
  @RequireGroup()
  @ApiParam(ID)
  @ApiOperation({ summary: 'Signal: resume a paused scan.' })
  resume(@Group() group: string, @Param('id') id: string) {
    return this.scans.signal(group, id, 'resume');
  }

  @Post(':id/cancel')
  @HttpCode(202)
  @RequireGroup()
  @ApiParam(ID)
  @ApiOperation({ summary: 'Signal: stop after the round in flight (the report is still written).' })
  cancel(@Group() group: string, @Param('id') id: string) {
    return this.scans.signal(group, id, 'cancel');
  }

  @Post(':id/extend')
  @HttpCode(200)
  @RequireGroup()
  @ApiParam(ID)
  @ApiBody({ type: ExtendScanDto })
  @ApiOperation({ summary: 'Update: add model points to the budget; returns the new budget.' })
  extend(@Group() group: string, @Param('id') id: string, @Body() dto: ExtendScanDto) {
    return this.scans.extend(group, id, dto.points);
  }
}
