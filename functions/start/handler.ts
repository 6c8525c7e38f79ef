import { SFNClient, StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { objectCreatedEventSchema } from '../../lib/trigger/index.ts';
import { startRunForEvent, type StartExecution } from '../../lib/trigger/index.ts';
import { stageHandler } from '../shared/index.ts';

const sfn = new SFNClient({});

/** StartExecution against STATE_MACHINE_ARN; an existing execution of the same name means a duplicated event. */
const startExecution: StartExecution = async ({ name, input }) => {
  const stateMachineArn = process.env.STATE_MACHINE_ARN;
  if (!stateMachineArn) throw new Error('STATE_MACHINE_ARN is not set');
  try {
    await sfn.send(new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }));
    return true;
  } catch (error) {
    if (error instanceof ExecutionAlreadyExists) return false;
    throw error;
  }
};

/** EventBridge target: an S3 Object Created event under jobs/ starts the state machine once per spec version. */
export const handler = stageHandler('start', objectCreatedEventSchema, (event) =>
  startRunForEvent(event, startExecution, process.env.JOBS_PREFIX),
);
