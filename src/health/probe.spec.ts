import { Controller, Get, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';

@Injectable()
class Svc { hi() { return 'hi'; } }
@Controller()
class Ctl { constructor(private readonly svc: Svc) {} @Get('x') x() { return { v: this.svc.hi() }; } }
@Module({ controllers: [Ctl], providers: [Svc] })
class M {}

describe('toolchain', () => {
  it('boots nest on fastify with DI by type', async () => {
    const mod = await Test.createTestingModule({ imports: [M] }).compile();
    const app = mod.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.listen(0, '127.0.0.1');
    const res = await fetch(`${await app.getUrl()}/x`);
    expect(await res.json()).toEqual({ v: 'hi' });
    await app.close();
    const g = xoroshiro128plus(42);
    expect(typeof uniformFloat64(g)).toBe('number'); expect(g.getState().length).toBeGreaterThan(0);
  });
});
