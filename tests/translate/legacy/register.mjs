// node --import register.mjs: install hooks.mjs (legacy 0.x fixtures only).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
