import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { FamiliesService } from './families.service';

@ApiTags('families')
@Controller('api/families')
export class FamiliesController {
  constructor(private readonly families: FamiliesService) {}

  @Get()
  @ApiOperation({ summary: 'Model families: parameters (bounds, scale), signature cells with branching ratios.' })
  list() {
    return this.families.describe();
  }

  @Get(':id')
  @ApiParam({ name: 'id' })
  @ApiOperation({ summary: 'One model family.' })
  get(@Param('id') id: string) {
    return this.families.getOr404(id);
  }
}
