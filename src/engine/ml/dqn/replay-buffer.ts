import { decodeFloat64, decodeInt32, decodeUint8, encodeArray, readInt } from '../ml-codec.js';
import { InvalidModelError } from '../ml-errors.js';

/** The JSON form of a {@link ReplayBuffer}: only the filled rows are kept. */
export interface ReplayBufferJson {
  capacity: number;
  stateSize: number;
  size: number;
  head: number;
  states: string;
  nextStates: string;
  actions: string;
  rewards: string;
  terminal: string;
}

/** A fixed-capacity ring of transitions in flat typed arrays: pushing allocates nothing and overwrites the oldest. */
export class ReplayBuffer {
  readonly states: Float64Array;
  readonly nextStates: Float64Array;
  readonly actions: Int32Array;
  readonly rewards: Float64Array;
  /** 1 where the transition had no next state (its target is the reward alone). */
  readonly terminal: Uint8Array;
  size = 0;
  /** Row the next push writes. */
  head = 0;

  constructor(
    readonly capacity: number,
    readonly stateSize: number,
  ) {
    this.states = new Float64Array(capacity * stateSize);
    this.nextStates = new Float64Array(capacity * stateSize);
    this.actions = new Int32Array(capacity);
    this.rewards = new Float64Array(capacity);
    this.terminal = new Uint8Array(capacity);
  }

  /**
   * Rebuilds a buffer from {@link ReplayBuffer.toJSON} output.
   * @throws InvalidModelError on a wrong shape
   */
  static load(record: Record<string, unknown>, actionCount: number): ReplayBuffer {
    const capacity = readInt(record, 'capacity', 1, 1e7);
    const stateSize = readInt(record, 'stateSize', 1, 1e5);
    const sut = new ReplayBuffer(capacity, stateSize);
    const size = readInt(record, 'size', 0, capacity);
    sut.size = size;
    sut.head = readInt(record, 'head', 0, capacity - 1);
    if (size < capacity && sut.head !== size) throw new InvalidModelError('a replay buffer that is not full writes at its end');
    sut.states.set(decodeFloat64(record.states, 'states', size * stateSize));
    sut.nextStates.set(decodeFloat64(record.nextStates, 'nextStates', size * stateSize));
    sut.actions.set(decodeInt32(record.actions, 'actions', size, 0, actionCount - 1));
    sut.rewards.set(decodeFloat64(record.rewards, 'rewards', size));
    const terminal = decodeUint8(record.terminal, 'terminal', size);
    if (terminal.some((t) => t > 1)) throw new InvalidModelError('terminal flags must be 0 or 1');
    sut.terminal.set(terminal);
    return sut;
  }

  /** Stores one transition; no `nextState` marks it terminal. */
  push(state: ArrayLike<number>, action: number, reward: number, nextState?: ArrayLike<number>): void {
    const { stateSize, head } = this;
    const base = head * stateSize;
    for (let i = 0; i < stateSize; i++) this.states[base + i] = state[i];
    if (nextState === undefined) {
      this.nextStates.fill(0, base, base + stateSize);
      this.terminal[head] = 1;
    } else {
      for (let i = 0; i < stateSize; i++) this.nextStates[base + i] = nextState[i];
      this.terminal[head] = 0;
    }
    this.actions[head] = action;
    this.rewards[head] = reward;
    this.head = head + 1 === this.capacity ? 0 : head + 1;
    if (this.size < this.capacity) this.size++;
  }

  /** The tagged-free JSON form (the agent tags the whole). */
  toJSON(): ReplayBufferJson {
    const rows = this.size * this.stateSize;
    return {
      capacity: this.capacity,
      stateSize: this.stateSize,
      size: this.size,
      head: this.head,
      states: encodeArray(this.states.subarray(0, rows)),
      nextStates: encodeArray(this.nextStates.subarray(0, rows)),
      actions: encodeArray(this.actions.subarray(0, this.size)),
      rewards: encodeArray(this.rewards.subarray(0, this.size)),
      terminal: encodeArray(this.terminal.subarray(0, this.size)),
    };
  }
}
