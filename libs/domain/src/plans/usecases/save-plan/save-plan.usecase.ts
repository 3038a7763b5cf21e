import { Injectable } from '@nestjs/common';
import { PlansService } from '../../plans.service';
import { SavePlanCommand } from './save-plan.command';

/** Creates a plan or changes one (contracts on it see the change on their next call). */
@Injectable()
export class SavePlan {
  constructor(private readonly plans: PlansService) {}

  execute(command: SavePlanCommand) {
    return this.plans.upsert(command);
  }
}
