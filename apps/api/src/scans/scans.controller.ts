import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Group, RequireGroup } from '../common/auth';
import { CreateScanDto, ExtendScanDto } from './dto/create-scan.dto';
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
