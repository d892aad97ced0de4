import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNumber, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

export const MATERIAL_KINDS = ['full-likelihood', 'upper-limit-map', 'efficiency-map'] as const;

/** A search record as the coverage map uses it (the catalogue's full records carry material files too). */
export class RegisterSearchDto {
  @ApiProperty({ example: 'CMS-EXO-19-019', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, { message: 'must be letters, digits, _ . : - (starting with a letter or digit)' })
  id!: string;

  @ApiProperty({ example: 'CMS', maxLength: 40 })
  @IsString()
  @Length(1, 40)
  experiment!: string;

  @ApiProperty({ example: 13, description: 'TeV' })
  @IsNumber()
  @Min(0.1)
  @Max(1000)
  sqrtS!: number;

  @ApiProperty({ example: 137, description: 'fb^-1' })
  @IsNumber()
  @Min(1e-6)
  @Max(1e6)
  lumiFb!: number;

  @ApiProperty({ type: [String], example: ['e-e', 'mu-mu'], description: "cells: 'a-b' pairs of e, mu, tau, gamma, j, b, t, W, Z, H, or 'complex:<class>'" })
  @IsString({ each: true })
  @Length(3, 60, { each: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(55)
  signatures!: string[];

  @ApiProperty({ type: [String], example: ['zprime_ssm'] })
  @IsString({ each: true })
  @Length(1, 100, { each: true })
  @ArrayMaxSize(50)
  families!: string[];

  @ApiProperty({ enum: MATERIAL_KINDS })
  @IsIn(MATERIAL_KINDS as unknown as string[])
  material!: (typeof MATERIAL_KINDS)[number];

  @ApiProperty({ example: 'hepdata:ins1234567.v1', maxLength: 100 })
  @IsString()
  @Length(1, 100)
  version!: string;

  @ApiPropertyOptional({ description: 'sha256 of the material (64 hex)' })
  @IsOptional()
  @Matches(/^[0-9a-f]{64}$/, { message: 'must be 64 lowercase hex digits' })
  sha?: string;

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  title?: string;
}
