/**
 * The preload bridge: the only thing the sandboxed page gets from Electron. It exposes one
 * message channel (send and listen), never ipcRenderer itself, so the page cannot reach other
 * channels or Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

const API_CHANNEL = 'mlsys-lab:api';

contextBridge.exposeInMainWorld('labBridge', {
  send(message: unknown): void {
    ipcRenderer.send(API_CHANNEL, message);
  },
  onMessage(listener: (message: unknown) => void): () => void {
    const wrapped = (_event: IpcRendererEvent, message: unknown) => listener(message);
    ipcRenderer.on(API_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(API_CHANNEL, wrapped);
  },
});
