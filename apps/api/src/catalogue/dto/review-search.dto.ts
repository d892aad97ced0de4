import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

const REVIEW_DECISIONS = ['approve', 'reject'] as const;

/** A reviewer's decision on a registered search: approved ones count in the public coverage map. */
export class ReviewSearchDto {
  @ApiProperty({ enum: REVIEW_DECISIONS })
  @IsIn(REVIEW_DECISIONS as unknown as string[])
  decision!: (typeof REVIEW_DECISIONS)[number];

  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptional()
  @IsString()
  @Length(1, 300)
  note?: string;
}
