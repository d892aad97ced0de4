import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Store } from '@sigmap/store';
import { ApiKeyGuard } from './common/auth';
import { ApiExceptionFilter } from './common/errors';
import { KeyRing } from './common/keys';
import { API_OPTIONS, KEY_RING, SCAN_TARGETS, STORE, type ScanTargets } from './common/tokens';
import type { ApiOptions } from './config';
import { AccessService } from './infra/access.service';
import { TemporalService } from './infra/temporal.service';
import { GroupThrottlerGuard } from './common/throttle';
import { TextHygieneGuard } from './common/hygiene';
import { ScansController } from './scans/scans.controller';
import { ScansService } from './scans/scans.service';
import { ReconcileService } from './scans/reconcile.service';
import { ScanReadableGuard } from './scans/scan-access.guard';
import { CatalogueController } from './catalogue/catalogue.controller';
import { CatalogueService } from './catalogue/catalogue.service';
import { CoverageController } from './coverage/coverage.controller';
import { CoverageService } from './coverage/coverage.service';
import { FamiliesController } from './families/families.controller';
import { FamiliesService } from './families/families.service';
import { DashboardController } from './dashboard/dashboard.controller';
import { EventsController } from './events/events.controller';
import { EventStreamGuard } from './events/events.guard';
import { EventsService } from './events/events.service';

/** Shared infrastructure: options, the store (opened by the caller), API keys, the Temporal client, scan access. */
@Global()
@Module({})
class InfraModule {
  static forRoot(options: ApiOptions, store: Store, keys: KeyRing, scanTargets: ScanTargets): DynamicModule {
    return {
      module: InfraModule,
      providers: [
        { provide: API_OPTIONS, useValue: options },
        { provide: STORE, useValue: store },
        { provide: KEY_RING, useValue: keys },
        { provide: SCAN_TARGETS, useValue: scanTargets },
        TemporalService,
        AccessService,
      ],
      exports: [API_OPTIONS, STORE, KEY_RING, SCAN_TARGETS, TemporalService, AccessService],
    };
  }
}

@Module({ providers: [FamiliesService], controllers: [FamiliesController], exports: [FamiliesService] })
class FamiliesModule {}

@Module({ imports: [FamiliesModule], providers: [CatalogueService], controllers: [CatalogueController], exports: [CatalogueService] })
class CatalogueModule {}

@Module({ imports: [CatalogueModule, FamiliesModule], providers: [CoverageService], controllers: [CoverageController] })
class CoverageModule {}

@Module({ providers: [ScansService, ReconcileService, ScanReadableGuard], controllers: [ScansController] })
class ScansModule {}

@Module({ providers: [EventsService, EventStreamGuard], controllers: [EventsController], exports: [EventsService] })
class EventsModule {}

@Module({ controllers: [DashboardController] })
class DashboardModule {}

@Module({})
export class AppModule {
  static forRoot(options: ApiOptions, store: Store, keys: KeyRing, scanTargets: ScanTargets): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(options, store, keys, scanTargets),
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: options.rateWindowMs, limit: options.rateLimit }] }),
        FamiliesModule,
        CatalogueModule,
        CoverageModule,
        ScansModule,
        EventsModule,
        DashboardModule,
      ],
      providers: [
        // order matters: the rate limit counts every request, unknown keys included (it resolves keys itself);
        // then text hygiene, before any guard queries the store with a path parameter; then authentication
        { provide: APP_GUARD, useClass: GroupThrottlerGuard },
        { provide: APP_GUARD, useClass: TextHygieneGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ApiExceptionFilter },
      ],
    };
  }
}
