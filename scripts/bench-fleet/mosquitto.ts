import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { mosquittoAcl, mosquittoPasswordLine } from '../mosquitto-auth.ts';

/**
 * BENCH SUPPORT — a Mosquitto of our own on a free port (the shared one on 1883 carries other
 * people's tests): password file and ACL generated as in production (scripts/mosquitto-auth.ts),
 * reread on SIGHUP once the fleet's lockers are provisioned.
 */
export class OwnMosquitto {
  private constructor(
    private readonly proc: ChildProcess,
    readonly port: number,
    private readonly dir: string,
    private readonly cloud: { username: string; password: string } | 'anonymous',
  ) {}

  static async start(
    dir: string,
    port: number,
    cloud: { username: string; password: string } | 'anonymous',
  ): Promise<OwnMosquitto> {
    const auth: string[] = ['allow_anonymous true'];
    if (cloud !== 'anonymous') {
      writeFileSync(
        join(dir, 'passwd'),
        `${mosquittoPasswordLine(cloud.username, cloud.password)}\n`,
      );
      writeFileSync(join(dir, 'acl'), mosquittoAcl(cloud.username));
      auth.splice(
        0,
        1,
        `password_file ${join(dir, 'passwd')}`,
        `acl_file ${join(dir, 'acl')}`,
        'allow_anonymous false',
      );
    }
    writeFileSync(
      join(dir, 'mosquitto.conf'),
      [
        `listener ${port} 127.0.0.1`,
        ...auth,
        'persistence false',
        'max_connections -1',
        // One subscriber (the cloud, or the raw reference's) takes every locker's messages: the
        // default queue of 1,000 per client would drop QoS 1 messages in a burst.
        'max_queued_messages 1000000',
        `user ${userInfo().username}`,
      ].join('\n'),
    );
    const proc = spawn('mosquitto', ['-c', join(dir, 'mosquitto.conf')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let log = '';
      proc.stderr?.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('running')) resolve();
      });
      proc.once('exit', (code) => reject(new Error(`mosquitto exited ${code}: ${log}`)));
    });
    return new OwnMosquitto(proc, port, dir, cloud);
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  /** Writes every locker's hashed secret and makes Mosquitto reread the file. */
  /** The broker process, for reading its memory from /proc. */
  get pid(): number | undefined {
    return this.proc.pid;
  }

  addLockers(lockers: readonly { id: string; secret: string }[]): void {
    if (this.cloud === 'anonymous') return;
    const lines = [
      mosquittoPasswordLine(this.cloud.username, this.cloud.password),
      ...lockers.map((l) => mosquittoPasswordLine(l.id, l.secret)),
    ];
    writeFileSync(join(this.dir, 'passwd'), `${lines.join('\n')}\n`);
    this.proc.kill('SIGHUP');
  }

  stop(): void {
    this.proc.kill();
  }
}
