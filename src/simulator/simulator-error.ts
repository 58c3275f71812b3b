/** The AWS exception names the simulator's control plane (admin) answers with. */
export type SimulatorErrorType =
  | 'InvalidRequestException'
  | 'ResourceNotFoundException'
  | 'ResourceAlreadyExistsException'
  | 'InvalidStateTransitionException';

const STATUS_BY_TYPE: Readonly<Record<SimulatorErrorType, number>> = {
  InvalidRequestException: 400,
  ResourceNotFoundException: 404,
  ResourceAlreadyExistsException: 409,
  InvalidStateTransitionException: 409,
};

/**
 * A refused admin (control-plane) call on the simulator: create/cancel/delete with bad input or
 * in a state AWS would refuse. `type` is the AWS exception name, `status` its HTTP status.
 */
export class SimulatorError extends Error {
  override name = 'SimulatorError';
  readonly code = 'ERR_SIMULATOR';
  readonly type: SimulatorErrorType;
  readonly status: number;

  constructor(type: SimulatorErrorType, message: string) {
    super(message);
    this.type = type;
    this.status = STATUS_BY_TYPE[type];
  }
}
