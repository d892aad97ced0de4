import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CoverageService } from './coverage.service';
import { RecommendationsQueryDto } from './dto/coverage-query.dto';

@ApiTags('coverage')
@Controller('api/coverage')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get()
  @Header('content-type', 'application/json; charset=utf-8')
  @ApiOperation({ summary: 'The signature-coverage matrix (55 pairs + complex rows) from public scan results, with provenance.' })
  matrix(): Promise<string> {
    return this.coverage.matrixJson();
  }

  @Get('svg')
  @Header('content-type', 'image/svg+xml; charset=utf-8')
  @ApiProduces('image/svg+xml')
  @ApiOperation({ summary: 'The coverage matrix as an SVG heat map.' })
  svg(): Promise<string> {
    return this.coverage.svg();
  }

  @Get('recommendations')
  @ApiOperation({ summary: 'Next-best-search ranking: signature x mass range by unexcluded allowed volume, with explanations.' })
  recommendations(@Query() q: RecommendationsQueryDto) {
    return this.coverage.recommendations(q.limit ?? 10);
  }

  @Get('cells/:key')
  @ApiParam({ name: 'key', description: "cell key: 'b-b', 'e-mu', 'complex:sbottom'" })
  @ApiOperation({ summary: 'One cell: its searches (excluded points per search), the families feeding it (excluded fraction, mass reach), its recommendations.' })
  cell(@Param('key') key: string) {
    return this.coverage.cell(key);
  }
}
