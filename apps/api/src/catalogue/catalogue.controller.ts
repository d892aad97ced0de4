import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Group, RequireGroup } from '../common/auth';
import { CatalogueService } from './catalogue.service';
import { RegisterSearchDto } from './dto/register-search.dto';
import { ReviewSearchDto } from './dto/review-search.dto';

const ID = { name: 'id', description: 'search id' };

@ApiTags('catalogue')
@Controller('api/catalogue')
export class CatalogueController {
  constructor(private readonly catalogue: CatalogueService) {}

  @Get()
  @ApiOperation({
    summary:
      "Catalogued searches: id, experiment, sqrt(s), luminosity, signature cells, families, material kind, version, sha. Registrations count (and are listed to everyone) once reviewed; the caller's group also sees its own pending ones.",
  })
  list(@Group() group: string | null) {
    return { ...this.catalogue.describe(group), searches: this.catalogue.list(group) };
  }

  @Get('pending')
  @RequireGroup()
  @ApiSecurity('api-key')
  @ApiOperation({ summary: "Registrations waiting for review: the caller group's own (all of them for a reviewer group)." })
  pending(@Group() group: string) {
    return { reviewers: this.catalogue.describe(group).reviewers, pending: this.catalogue.pending(group) };
  }

  @Post()
  @RequireGroup()
  @ApiSecurity('api-key')
  @ApiBody({ type: RegisterSearchDto })
  @ApiOperation({ summary: 'Register a search (coverage-level record: signatures and families; no material). Pending until a reviewer approves it.' })
  register(@Group() group: string, @Body() dto: RegisterSearchDto) {
    return this.catalogue.register(group, dto);
  }

  @Post(':id/review')
  @HttpCode(200)
  @RequireGroup()
  @ApiSecurity('api-key')
  @ApiParam(ID)
  @ApiBody({ type: ReviewSearchDto })
  @ApiOperation({ summary: 'Reviewer groups only: approve (counts in the public map) or reject a registration.' })
  review(@Group() group: string, @Param('id') id: string, @Body() dto: ReviewSearchDto) {
    return this.catalogue.review(group, id, dto.decision);
  }

  @Delete(':id')
  @RequireGroup()
  @ApiSecurity('api-key')
  @ApiParam(ID)
  @ApiOperation({ summary: 'Delete a registration: its own group or a reviewer.' })
  remove(@Group() group: string, @Param('id') id: string) {
    return this.catalogue.remove(group, id);
  }
}
