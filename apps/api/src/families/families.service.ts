import { Injectable, Logger, NotFoundException, OnModuleInit } from '@nestjs/common';
import type { FamilyInfo } from '@sigmap/coverage';
import { loadFamilies } from '@sigmap/families';

@Injectable()
export class FamiliesService implements OnModuleInit {
  private readonly logger = new Logger('families');
  private families: FamilyInfo[] = [];
  private source = '';

  onModuleInit(): void {
    const r = loadFamilies();
    this.families = r.families;
    this.source = r.source;
    this.logger.log(`${this.families.length} model families (${this.source})`);
  }

  list(): FamilyInfo[] {
    return this.families;
  }

  describe() {
    return { source: this.source, families: this.families };
  }

  get(id: string): FamilyInfo | undefined {
    return this.families.find((f) => f.id === id);
  }

  getOr404(id: string): FamilyInfo {
    const f = this.get(id);
    if (!f) throw new NotFoundException(`id: no family '${id}' (GET /api/families lists them)`);
    return f;
  }
}
