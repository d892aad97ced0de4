import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';

class FidelityDto {
  @ApiProperty({ enum: ['full', 'fast', 'surrogate', 'lookup'] })
  @IsIn(['full', 'fast', 'surrogate', 'lookup'])
  default!: 'full' | 'fast' | 'surrogate' | 'lookup';

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000_000, description: 'events per simulated point' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(10_000_000)
  events?: number;

  @ApiPropertyOptional({
    enum: ['full', 'fast'],
    description: 'surrogate scans: re-simulate points whose label depends on the surrogate uncertainty at this fidelity',
  })
  @IsOptional()
  @IsIn(['full', 'fast'])
  escalate?: 'full' | 'fast';

  @ApiPropertyOptional({ description: 'shift of the surrogate yields in ensemble spreads (default 1)' })
  @IsOptional()
  @IsNumber()
  k?: number;

  @ApiPropertyOptional({ description: '|CLs - 0.05| below which a surrogate point is always escalated (default 0.01)' })
  @IsOptional()
  @IsNumber()
  band?: number;
}

/**
 * A scan spec (libs/contracts ScanSpec) plus its visibility. The top level is checked here (unknown fields are
 * rejected by the global pipe); the parameter box is checked by the contracts' validateScanSpec, which names the
 * field (e.g. parameters.m_sbottom.scale).
 */
export class CreateScanDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'sbottom-plane' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9 _.:-]*$/, { message: 'must start with a letter or digit and use letters, digits, space, _ . : -' })
  name?: string;

  @ApiProperty({ example: 'sbottom', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  family!: string;

  @ApiProperty({
    description: 'parameter name -> {min, max, scale: linear|log} or {fixed: value}',
    example: { m_sbottom: { min: 400, max: 1600, scale: 'linear' }, m_chi2: { min: 200, max: 1400, scale: 'linear' }, m_chi1: { fixed: 60 } },
    type: 'object',
    additionalProperties: true,
  })
  @IsObject()
  parameters!: Record<string, unknown>;

  @ApiProperty({ type: [String], example: ['ATLAS-SUSY-2018-31'], maxItems: 50 })
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  searches!: string[];

  @ApiPropertyOptional({ type: FidelityDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => FidelityDto)
  fidelity?: FidelityDto;

  @ApiPropertyOptional({ enum: ['pool', 'continuous'] })
  @IsOptional()
  @IsIn(['pool', 'continuous'])
  mode?: 'pool' | 'continuous';

  @ApiPropertyOptional({ minimum: 1, maximum: 256 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(256)
  batchSize?: number;

  @ApiProperty({ minimum: 1, maximum: 100_000 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  budget!: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 0.999, description: 'stop when the estimated misclassified fraction is below this' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(0.999)
  target?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 100_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  initialPoints?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  roundsPerRun?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 16,
    description: 'batches in flight at once (1: synchronous rounds; k > 1: new batches proposed with the in-flight points pending)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(16)
  inFlightBatches?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2 ** 31 - 1)
  seed?: number;

  @ApiPropertyOptional({ enum: ['private', 'public'], default: 'private', description: 'public results feed the coverage map' })
  @IsOptional()
  @IsIn(['private', 'public'])
  visibility?: 'private' | 'public';
}

export class ExtendScanDto {
  @ApiProperty({ minimum: 1, maximum: 100_000, description: 'model points added to the budget' })
  @IsInt()
  @Min(1)
  @Max(100_000)
  points!: number;
}
